package io.jlxd.storage.pool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Child processes fed from / draining into Java streams (send/receive). */
final class Streams {
    private Streams() {
    }

    static void pipeOut(List<String> argv, OutputStream out) throws IOException {
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        var err = errors(p);
        p.getInputStream().transferTo(out);
        finish(p, argv, err);
    }

    static void pipeIn(List<String> argv, InputStream in) throws IOException {
        Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        var err = errors(p);
        try (OutputStream o = p.getOutputStream()) {
            in.transferTo(o);
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        finish(p, argv, err);
    }

    private static java.util.concurrent.CompletableFuture<String> errors(Process p) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                return "";
            }
        });
    }

    private static void finish(Process p, List<String> argv, java.util.concurrent.CompletableFuture<String> err) throws IOException {
        try {
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IOException(String.join(" ", argv) + " failed (exit " + rc + "): " + err.join());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
