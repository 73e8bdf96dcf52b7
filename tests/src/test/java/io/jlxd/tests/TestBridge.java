package io.jlxd.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test bridge {@code jtbN} on the host with {@code 10.X.Y.1/24}, a subnet chosen from the host's routes and
 * addresses (no packet is sent to find it), and a real dnsmasq serving DHCP on it only (no DNS), run by the test.
 * Until the managed networks exist this stands in for them. {@link #close()} stops dnsmasq and deletes the bridge,
 * and checks that both are gone.
 */
final class TestBridge implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    final String name;
    final String prefix; // "10.X.Y."
    final Path dir;
    private final Process dnsmasq;

    private TestBridge(String name, String prefix, Path dir, Process dnsmasq) {
        this.name = name;
        this.prefix = prefix;
        this.dir = dir;
        this.dnsmasq = dnsmasq;
    }

    String gateway() {
        return prefix + "1";
    }

    /** Creates the bridge and starts dnsmasq (leases in .100-.200). */
    static TestBridge create() {
        String name = null;
        for (int i = 0; i < 100; i++) {
            if (!Files.exists(Path.of("/sys/class/net/jtb" + i))) {
                name = "jtb" + i;
                break;
            }
        }
        if (name == null) {
            throw new AssertionError("no free jtbN name");
        }
        String prefix = freeSubnet();
        Path dir;
        try {
            dir = Files.createTempDirectory("jlxd-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run("ip", "link", "add", name, "type", "bridge");
        Process p = null;
        try {
            run("ip", "addr", "add", prefix + "1/24", "dev", name);
            run("ip", "link", "set", name, "up");
            p = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--port=0", "--strict-order",
                    "--bind-interfaces", "--except-interface=lo", "--interface=" + name, "--listen-address=" + prefix + "1",
                    "--dhcp-range=" + prefix + "100," + prefix + "200,1h", "--dhcp-authoritative", "--dhcp-no-override",
                    "--dhcp-leasefile=" + dir.resolve("leases"), "--pid-file=" + dir.resolve("dnsmasq.pid"), "--log-facility=-")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.log").toFile()).start();
            return new TestBridge(name, prefix, dir, p);
        } catch (IOException | RuntimeException | Error e) {
            if (p != null) {
                p.destroyForcibly();
            }
            run("ip", "link", "del", name);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) (e instanceof RuntimeException r ? r : new RuntimeException(e));
        }
    }

    /** A 10.X.Y.0/24 that no route or address of the host overlaps. */
    static String freeSubnet() {
        List<long[]> used = new ArrayList<>();
        for (String cmd : List.of("ip -4 -o route show table all", "ip -4 -o addr show")) {
            for (String line : output(cmd.split(" ")).split("\n")) {
                for (String word : line.split("\\s+")) {
                    if (word.matches("\\d+\\.\\d+\\.\\d+\\.\\d+(/\\d+)?")) {
                        String[] f = word.split("/");
                        int len = f.length > 1 ? Integer.parseInt(f[1]) : 32;
                        if (len == 0) {
                            continue; // a default route overlaps nothing in particular
                        }
                        long a = ip(f[0]);
                        long mask = len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
                        used.add(new long[] {a & mask, mask});
                    }
                }
            }
        }
        for (int tries = 0; tries < 1000; tries++) {
            int x = 100 + RANDOM.nextInt(150);
            int y = 1 + RANDOM.nextInt(250);
            long net = ip("10." + x + "." + y + ".0");
            boolean free = true;
            for (long[] u : used) {
                long common = u[1] & 0xffffff00L;
                if ((net & common) == (u[0] & common)) {
                    free = false;
                    break;
                }
            }
            if (free) {
                return "10." + x + "." + y + ".";
            }
        }
        throw new AssertionError("no free 10.x.y.0/24 subnet");
    }

    private static long ip(String dotted) {
        byte[] b = InetAddress.ofLiteral(dotted).getAddress();
        return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
    }

    /** The ports of the bridge (host ends of NICs). */
    List<String> ports() {
        try (var s = Files.list(Path.of("/sys/class/net", name, "brif"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static boolean interfaceExists(String ifname) {
        return Files.exists(Path.of("/sys/class/net", ifname));
    }

    boolean dnsmasqAlive() {
        return dnsmasq.isAlive();
    }

    @Override
    public void close() {
        dnsmasq.destroy();
        try {
            if (!dnsmasq.waitFor(10, TimeUnit.SECONDS)) {
                dnsmasq.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        run("ip", "link", "del", name);
        if (interfaceExists(name) || dnsmasq.isAlive()) {
            throw new AssertionError("test bridge " + name + " or its dnsmasq is left");
        }
        JlxdDaemon.deleteTree(dir);
    }

    static void run(String... args) {
        ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", args) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String output(String... args) {
        try {
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
