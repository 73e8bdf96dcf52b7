package io.jlxd.storage.pool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a host tool (btrfs, mkfs.btrfs, mount, cp, tar) and fails with its stderr. */
final class Cmd {
    private Cmd() {
    }

    static String run(String... argv) throws IOException {
        return run(List.of(argv));
    }

    static String run(List<String> argv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        byte[] err;
        byte[] out;
        try {
            var errF = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getErrorStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            out = p.getInputStream().readAllBytes();
            err = errF.join();
            int rc = p.waitFor();
            if (rc != 0) {
                String msg = new String(err, StandardCharsets.UTF_8).strip();
                throw new IOException(String.join(" ", argv) + " failed (exit " + rc + ")" + (msg.isEmpty() ? "" : ": " + msg));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", argv), e);
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
