package io.jlxd.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/** Checks extra dnsmasq lines ({@code raw.dnsmasq}) with {@code dnsmasq --test} before they reach a running network. */
public final class DnsmasqSyntax {
    private DnsmasqSyntax() {
    }

    /** Empty when dnsmasq accepts the lines, else its complaint ("bad option at line 1"). */
    public static Optional<String> check(String raw) throws IOException {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        Path tmp = Files.createTempFile("jlxd-dnsmasq-", ".conf",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, raw.strip() + "\n");
            try {
                Cmd.run(null, List.of("dnsmasq", "--test", "--conf-file=" + tmp));
                return Optional.empty();
            } catch (IOException e) {
                String m = e.getMessage();
                int i = m.indexOf("dnsmasq: ");
                String why = i >= 0 ? m.substring(i + "dnsmasq: ".length()) : m;
                return Optional.of(why.replace(" of " + tmp, "").strip());
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
