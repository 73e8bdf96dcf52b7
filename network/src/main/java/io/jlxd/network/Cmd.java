package io.jlxd.network;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a host tool (ip, nft) and fails with its stderr. Never forks the JVM: ProcessBuilder spawns the tool. */
public final class Cmd {
    private Cmd() {
    }

    public static String run(String... argv) throws IOException {
        return run(null, List.of(argv));
    }

    /** Runs argv with {@code input} on its stdin (null: /dev/null); returns stdout. */
    public static String run(String input, List<String> argv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (input == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        try {
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            if (input != null) {
                try (var in = p.getOutputStream()) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] out = readAll(p.getInputStream());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " timed out");
            }
            if (p.exitValue() != 0) {
                String msg = new String(err.join(), StandardCharsets.UTF_8).strip();
                throw new IOException(String.join(" ", argv) + " failed (exit " + p.exitValue() + ")"
                        + (msg.isEmpty() ? "" : ": " + msg));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", argv), e);
        }
    }

    private static byte[] readAll(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
