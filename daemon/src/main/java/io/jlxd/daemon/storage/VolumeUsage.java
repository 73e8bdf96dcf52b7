package io.jlxd.daemon.storage;

import io.jlxd.storage.pool.PoolDriver;
import io.jlxd.storage.pool.VolumeType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The bytes a volume uses: the driver's own figure where it keeps one (a btrfs qgroup), else the blocks allocated
 * under the volume's directory, counted like {@code du -s} on one file system.
 */
public final class VolumeUsage {
    private VolumeUsage() {
    }

    public static long used(PoolDriver d, VolumeType type, String name) throws IOException {
        long own = d.usage(type, name);
        if (own >= 0) {
            return own;
        }
        Path p = d.volumePath(type, name);
        if (!Files.isDirectory(p)) {
            throw new IOException("The volume's directory " + p + " is missing");
        }
        Process proc = new ProcessBuilder("du", "-s", "-x", "-B1", p.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        proc.getOutputStream().close();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!proc.waitFor(120, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                throw new IOException("du on " + p + " took longer than 120 s");
            }
        } catch (InterruptedException e) {
            proc.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        // du exits 1 when a file vanished while it walked: its total is still the usage of what is there
        String first = out.isEmpty() ? "" : out.split("\\s+")[0];
        try {
            return Long.parseLong(first);
        } catch (NumberFormatException e) {
            throw new IOException("du on " + p + " gave no total (exit " + proc.exitValue() + ")");
        }
    }
}
