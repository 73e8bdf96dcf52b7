package io.jlxd.daemon.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Copies a volume's tree into a new directory across pools: {@code cp -a --reflink=auto} (owners, modes, xattrs, caps). */
final class CopyTree {
    private CopyTree() {
    }

    static void copy(Path from, Path to) throws IOException {
        Process p = new ProcessBuilder("cp", "-a", "--reflink=auto", "-T", "--", from.toString(), to.toString())
                .redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("copy of " + from + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
