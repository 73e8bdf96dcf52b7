package io.jlxd.daemon.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A directory tree as one rsync stream over a migration channel, as LXD does it: the sender runs rsync as a client
 * whose "remote shell" is a pipe to the channel ({@code -e}); the receiver runs {@code rsync --server} with its
 * stdin and stdout wired to the channel. Each side ends its half with the barrier, so the channel carries the next
 * stream afterwards. The sender's remote shell is a two-line script that joins rsync to two FIFOs of a private
 * directory, which this daemon reads and writes (LXD has its own {@code netcat} subcommand for that).
 */
final class RsyncStream {
    private static final int CHUNK = 64 * 1024;
    /** No byte either way for this long: the peer is taken as gone (a dead peer is not always seen as a closed socket). */
    static final Duration IDLE = Duration.ofSeconds(60);
    private static final String RSYNC = "rsync";

    /** The rsync options both sides agreed on (LXD's rsyncFeatures). */
    record Options(boolean xattrs, boolean delete, List<String> protect) {
        Options(boolean xattrs, boolean delete) {
            this(xattrs, delete, List.of());
        }

        /** The same, the receiver keeping {@code path} (relative to its top) from deletion. */
        Options protecting(String path) {
            List<String> p = new ArrayList<>(protect);
            p.add(path);
            return new Options(xattrs, delete, List.copyOf(p));
        }

        /** The sender's client options (LXD's {@code -ar --devices --numeric-ids --partial --sparse ...}). */
        List<String> sender() {
            List<String> a = new ArrayList<>(List.of("-ar", "--devices", "--numeric-ids", "--partial", "--sparse"));
            if (xattrs) {
                a.add("--xattrs");
            }
            if (delete) {
                a.add("--delete");
            }
            return a;
        }

        /** The receiver's server options matching {@link #sender()} (what the sender's rsync would ask a remote to run). */
        List<String> receiver() {
            List<String> a = new ArrayList<>(List.of("--server", "-logDtp" + (xattrs ? "X" : "") + "rSe.iLsfxCIvu"));
            if (delete) {
                a.add("--delete");
            }
            a.addAll(List.of("--partial", "--numeric-ids"));
            for (String p : protect) {
                a.add("--filter=P " + p);
            }
            return a;
        }
    }

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(RsyncStream.class.getName());

    private RsyncStream() {
    }

    /** Sends the tree under {@code dir}; {@code bytes} counts what went out. */
    static void send(Path dir, Conn conn, Options o, AtomicLong bytes, Path scratch) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Path tmp = Files.createTempDirectory(scratch, "rsync-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Process p = null;
        try {
            Path out = tmp.resolve("out");
            Path in = tmp.resolve("in");
            mkfifo(out);
            mkfifo(in);
            Path shell = tmp.resolve("shell");
            // like ssh, the "remote shell" ends when the remote side does (the receiver's half ends with the barrier); the
            // background cat reads rsync's data through fd 3 (sh gives a background job /dev/null as its stdin)
            Files.writeString(shell, "#!/bin/sh\nexec 3<&0\ncat <&3 >'" + out + "' &\nexec cat <'" + in + "' 3<&-\n",
                    StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(shell, PosixFilePermissions.fromString("rwx------"));
            List<String> cmd = new ArrayList<>(List.of(RSYNC));
            cmd.addAll(o.sender());
            cmd.addAll(List.of("-e", shell.toString(), dir.toString() + "/", "localhost:/tmp/target"));
            Path err = tmp.resolve("stderr");
            p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            AtomicReference<IOException> failed = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().name("rsync-send-" + conn.name()).start(() -> {
                try (InputStream is = Files.newInputStream(out)) {
                    pump(is, conn, bytes);
                    conn.barrier();
                } catch (IOException e) {
                    failed.set(e);
                }
            });
            boolean complete;
            try (OutputStream os = openWriter(in, p)) {
                complete = receiveInto(conn, os, bytes);
            }
            if (!complete) {
                p.destroyForcibly();
                throw new IOException("the " + conn.name() + " channel closed during the transfer");
            }
            long t1 = System.nanoTime();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                throw new IOException("rsync did not finish");
            }
            reader.join(Duration.ofSeconds(30));
            LOG.fine(() -> "rsync sent " + dir + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms (end "
                    + (System.nanoTime() - t1) / 1_000_000 + " ms)");
            if (!succeeded(p.exitValue())) {
                throw new IOException("rsync (sending " + dir.getFileName() + ") failed with exit status " + p.exitValue() + ": "
                        + tail(err));
            }
            if (failed.get() != null) {
                throw failed.get();
            }
        } finally {
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            io.jlxd.storage.image.ImageUnpacker.removeTree(tmp);
        }
    }

    /**
     * rsync's exit status 24 ("some files vanished before they could be transferred") is success: a running
     * container's files come and go while its tree is copied, and the final pass with the container frozen or stopped
     * carries what is left. LXD ignores it the same way; both ends report it (the server learns it from the sender).
     */
    static boolean succeeded(int exitStatus) {
        return exitStatus == 0 || exitStatus == 24;
    }

    /** Opens the FIFO rsync's remote shell reads (blocks until it opens it; null when rsync ended first). */
    private static OutputStream openWriter(Path fifo, Process proc) throws IOException {
        // open(2) of a FIFO for writing blocks until a reader opens it: done on a platform thread, given up if rsync dies
        java.util.concurrent.CompletableFuture<OutputStream> f = new java.util.concurrent.CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                f.complete(Files.newOutputStream(fifo));
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        while (true) {
            try {
                return f.get(200, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (!proc.isAlive()) {
                    // unblock the opener with a reader of our own, then close both
                    try (InputStream unblock = Files.newInputStream(fifo)) {
                        f.join().close();
                    } catch (RuntimeException | IOException ignored) {
                        // best effort
                    }
                    return null;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            } catch (InterruptedException e) {
                t.interrupt();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** Receives the tree into {@code dir} (which exists). */
    static void receive(Path dir, Conn conn, Options o, AtomicLong bytes) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(RSYNC));
        cmd.addAll(o.receiver());
        cmd.addAll(List.of(".", dir.toString()));
        Path err = Files.createTempFile(dir.getParent(), ".rsync-", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        try {
            AtomicReference<IOException> failed = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().name("rsync-recv-" + conn.name()).start(() -> {
                try (InputStream is = p.getInputStream()) {
                    pump(is, conn, new AtomicLong());
                    conn.barrier();
                } catch (IOException e) {
                    failed.set(e);
                }
            });
            boolean complete;
            OutputStream os = p.getOutputStream();
            complete = receiveInto(conn, os, bytes);
            try {
                os.close();
            } catch (IOException e) {
                // rsync stopped reading: its exit status says why
            }
            if (!complete) {
                p.destroyForcibly();
                throw new IOException("the " + conn.name() + " channel closed during the transfer");
            }
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                throw new IOException("rsync did not finish");
            }
            writer.join(Duration.ofSeconds(30));
            if (!succeeded(p.exitValue())) {
                throw new IOException("rsync (receiving " + dir.getFileName() + ") failed with exit status " + p.exitValue() + ": " + tail(err));
            }
            if (failed.get() != null) {
                throw failed.get();
            }
            bytes.addAndGet(0);
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            Files.deleteIfExists(err);
        }
    }

    /**
     * Writes what the channel brings into {@code os} until the barrier (true) or the channel's end (false). When
     * rsync stops reading (it failed), the rest of the stream is read and dropped: the barrier must be consumed so
     * that the channel is ready for the next stream, and rsync's exit status tells what went wrong.
     */
    private static boolean receiveInto(Conn conn, OutputStream os, AtomicLong sent) throws IOException, InterruptedException {
        boolean writable = os != null;
        long lastSent = sent.get();
        long lastActivity = System.nanoTime();
        while (true) {
            Conn.Msg m = conn.receive(Duration.ofSeconds(1));
            if (m == null) {
                if (sent.get() != lastSent) {
                    lastSent = sent.get();
                    lastActivity = System.nanoTime();
                } else if (System.nanoTime() - lastActivity > IDLE.toNanos()) {
                    LOG.warning("nothing moved on the " + conn.name() + " channel for " + IDLE.toSeconds() + " s: the peer is taken as gone");
                    return false;
                }
                continue;
            }
            lastActivity = System.nanoTime();
            if (m.end()) {
                return false;
            }
            if (m.barrier()) {
                return true;
            }
            if (writable) {
                try {
                    os.write(m.data());
                    os.flush();
                } catch (IOException e) {
                    writable = false;
                }
            }
        }
    }

    private static void pump(InputStream is, Conn conn, AtomicLong bytes) throws IOException {
        byte[] buf = new byte[CHUNK];
        int n;
        while ((n = is.read(buf)) > 0) {
            conn.send(buf, 0, n);
            bytes.addAndGet(n);
        }
    }

    private static void mkfifo(Path p) throws IOException, InterruptedException {
        Process m = new ProcessBuilder("mkfifo", "-m", "600", p.toString()).redirectErrorStream(true).start();
        String out = new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (m.waitFor() != 0) {
            throw new IOException("mkfifo " + p + ": " + out.strip());
        }
    }

    private static String tail(Path err) {
        try {
            String s = Files.readString(err, StandardCharsets.UTF_8).strip();
            return s.length() > 600 ? s.substring(s.length() - 600) : s;
        } catch (IOException e) {
            return "(no error output)";
        }
    }
}
