package io.jlxd.tests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A layer-2 segment two daemons share on this host: a bridge {@code <prefix>brN} without a host address (no host
 * traffic goes onto it) and a client network namespace {@code <prefix>nsN} plugged into it by a veth pair, with
 * {@code 10.X.Y.1/24} on a subnet chosen from the host's routes and addresses (no packet is sent to find one).
 * Containers get bridged NICs on {@link #bridge} and static addresses {@code 10.X.Y.10+}; a client in the namespace
 * ({@link #connect}) reaches them only over the bridge. {@link #close()} deletes the namespace and the bridge and
 * checks that both are gone.
 */
final class SharedSegment implements AutoCloseable {
    final String bridge;
    final String netns;
    final String prefix; // "10.X.Y."

    private SharedSegment(String bridge, String netns, String prefix) {
        this.bridge = bridge;
        this.netns = netns;
        this.prefix = prefix;
    }

    /** Creates the bridge and the client namespace with names starting with {@code namePrefix} (e.g. "jmn"). */
    static SharedSegment create(String namePrefix) {
        int n = -1;
        for (int i = 0; i < 100; i++) {
            if (!Files.exists(Path.of("/sys/class/net/" + namePrefix + "br" + i)) && !Files.exists(Path.of("/run/netns/" + namePrefix + "ns" + i))) {
                n = i;
                break;
            }
        }
        if (n < 0) {
            throw new AssertionError("no free " + namePrefix + "brN name");
        }
        String prefix = TestBridge.freeSubnet();
        SharedSegment s = new SharedSegment(namePrefix + "br" + n, namePrefix + "ns" + n, prefix);
        String hostEnd = namePrefix + "v" + n + "h";
        String nsEnd = namePrefix + "v" + n + "c";
        try {
            run("ip", "link", "add", s.bridge, "type", "bridge");
            run("ip", "link", "set", s.bridge, "up");
            run("ip", "netns", "add", s.netns);
            run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", nsEnd);
            run("ip", "link", "set", hostEnd, "master", s.bridge, "up");
            run("ip", "link", "set", nsEnd, "netns", s.netns);
            run("ip", "-n", s.netns, "addr", "add", prefix + "1/24", "dev", nsEnd);
            run("ip", "-n", s.netns, "link", "set", nsEnd, "up");
            run("ip", "-n", s.netns, "link", "set", "lo", "up");
            return s;
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    /** The n-th container address on the segment (10.X.Y.(10+n)). */
    String address(int n) {
        return prefix + (10 + n);
    }

    /** A TCP connection from the client namespace to {@code addr:port} (busybox nc), or null when it is refused. */
    EchoLink connect(String addr, int port) throws IOException {
        Process p = new ProcessBuilder("ip", "netns", "exec", netns, "/bin/busybox", "nc", addr, Integer.toString(port))
                .redirectErrorStream(true).start();
        return new EchoLink(p);
    }

    /** A connection to an echo server: what is written comes back line by line. */
    static final class EchoLink implements AutoCloseable {
        private final Process process;
        private final OutputStream out;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        EchoLink(Process process) {
            this.process = process;
            this.out = process.getOutputStream();
            Thread.ofPlatform().daemon().name("echo-link").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    // the connection ended: alive() says so
                }
            });
        }

        boolean alive() {
            return process.isAlive();
        }

        /**
         * Sends {@code token} and waits (up to {@code limit}, a bound, not a measure) for it to come back; true when it
         * did. False when the connection ended or the line did not come back.
         */
        boolean echo(String token, Duration limit) throws InterruptedException {
            try {
                out.write((token + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                return false;
            }
            long end = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < end) {
                String l = lines.poll(200, TimeUnit.MILLISECONDS);
                if (token.equals(l)) {
                    return true;
                }
                if (l == null && !process.isAlive() && lines.isEmpty()) {
                    return false;
                }
            }
            return false;
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (List<String> cmd : List.of(List.of("ip", "netns", "del", netns), List.of("ip", "link", "del", bridge))) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                first = first == null ? new UncheckedIOException(e) : first;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (Files.exists(Path.of("/sys/class/net", bridge)) || Files.exists(Path.of("/run/netns", netns))) {
            throw new AssertionError("the shared segment " + bridge + "/" + netns + " is still there");
        }
        if (first != null) {
            throw first;
        }
    }

    private static void run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
