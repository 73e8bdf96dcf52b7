package io.jlxd.cli.remote;

import io.jlxd.cli.CliException;
import io.jlxd.cli.client.Transport;
import io.jlxd.cli.client.UnixSocketTransport;
import io.jlxd.cli.client.tls.TlsTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;

/** Builds the transport of a configured remote: the Unix socket for {@code unix://}, pinned TLS for HTTPS. */
public final class Remotes {
    private Remotes() {
    }

    /** {@code REMOTE:NAME} split: the remote (the default one when not given) and the rest (may be empty). */
    public record Ref(String remote, String name) {
    }

    /**
     * Splits {@code raw} the way lxc does: text before the first ":" names a remote when there is a ":"; an unknown
     * remote is an error, except for names with a "/" before the ":" (paths and snapshots may contain colons).
     */
    public static Ref parse(RemoteConfig config, String raw) {
        int colon = raw.indexOf(':');
        if (colon < 0) {
            return new Ref(config.defaultRemote(), raw);
        }
        String remote = raw.substring(0, colon);
        if (!config.has(remote)) {
            if (remote.contains("/")) {
                return new Ref(config.defaultRemote(), raw);
            }
            throw new CliException("The remote \"" + remote + "\" doesn't exist");
        }
        return new Ref(remote, raw.substring(colon + 1));
    }

    /** The transport to {@code name}; for HTTPS, creates the client certificate on first use. */
    public static Transport transport(RemoteConfig config, String name, Map<String, String> env) throws IOException {
        RemoteConfig.Remote remote = config.require(name);
        RemoteAddress address;
        try {
            address = remote.address();
        } catch (IllegalArgumentException e) {
            throw new CliException("Remote \"" + name + "\" in " + config.dir().resolve(RemoteConfig.CONFIG_FILE) + ": "
                    + e.getMessage());
        }
        if (address.isUnix()) {
            return address.socketPath().isEmpty() ? UnixSocketTransport.fromEnvironment(env)
                    : new UnixSocketTransport(Path.of(address.socketPath()));
        }
        X509Certificate pinned = pinned(config, name);
        ClientIdentity id = ClientIdentity.loadOrCreate(config.dir());
        return new TlsTransport(name, address.host(), address.port(), address.authority(), pinned, id.certificate(), id.key());
    }

    private static X509Certificate pinned(RemoteConfig config, String name) throws IOException {
        Path file = config.serverCertificate(name);
        try {
            return Pem.certificate(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            throw new CliException("No pinned server certificate for remote \"" + name + "\" (" + file
                    + "): add the remote again (jlxc remote remove " + name + ", then jlxc remote add)");
        } catch (CertificateException e) {
            throw new CliException("The pinned server certificate of remote \"" + name + "\" (" + file
                    + ") is unreadable: " + e.getMessage());
        }
    }
}
