package io.jlxd.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Host-side helpers of the network tests: interfaces, nftables tables, processes, and network namespaces with a veth
 * on a test bridge (names prefixed {@code jta}). Traffic goes only to addresses on bridges and namespaces the tests
 * create.
 */
final class HostNet {
    private HostNet() {
    }

    record Result(int code, String out) {
    }

    static Result exec(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out + " (timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Runs a command that must succeed; returns its output. */
    static String run(String... cmd) {
        Result r = exec(cmd);
        if (r.code() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (" + r.code() + "): " + r.out());
        }
        return r.out();
    }

    static boolean linkExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    static boolean nftTable(String bridge) {
        return exec("nft", "list", "table", "inet", "jlxd-" + bridge).code() == 0;
    }

    static String addresses(String iface) {
        return exec("ip", "-o", "addr", "show", "dev", iface).out();
    }

    /** The pid in a dnsmasq pid file, or -1. */
    static long pid(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && !procState(pid).equals("Z");
    }

    private static String procState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException | RuntimeException e) {
            return "Z";
        }
    }

    /** dnsmasq processes whose command line names a file under {@code dir}. */
    static List<Long> dnsmasqUnder(Path dir) {
        return ProcessHandle.allProcesses().filter(h -> {
            try {
                String cmd = Files.readString(Path.of("/proc/" + h.pid() + "/cmdline")).replace('\0', ' ');
                return cmd.startsWith("dnsmasq") && cmd.contains(dir.toString() + "/") && alive(h.pid());
            } catch (IOException e) {
                return false;
            }
        }).map(ProcessHandle::pid).toList();
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            JlxdDaemon.sleep(50);
        }
    }

    /** A network namespace {@code ns} whose eth0 (MAC {@code mac}) is a veth peer of {@code veth} on {@code bridge}. */
    static void netnsOnBridge(String ns, String veth, String bridge, String mac) {
        run("ip", "netns", "add", ns);
        run("ip", "link", "add", veth, "type", "veth", "peer", "name", veth + "p");
        run("ip", "link", "set", veth + "p", "netns", ns);
        run("ip", "link", "set", veth, "master", bridge, "up");
        run("ip", "netns", "exec", ns, "ip", "link", "set", veth + "p", "name", "eth0");
        run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "address", mac, "up");
        run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
    }

    /** Removes the namespace (its processes are killed first) and the veth; silent when they are gone. */
    static void deleteNetns(String ns, String veth) {
        Result pids = exec("ip", "netns", "pids", ns);
        if (pids.code() == 0) {
            for (String p : pids.out().split("\\s+")) {
                if (!p.isBlank()) {
                    ProcessHandle.of(Long.parseLong(p.strip())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        exec("ip", "netns", "delete", ns);
        exec("ip", "link", "delete", veth);
    }

    /** One line from a TCP connection to address:port (the server writes and closes), or null on failure. */
    static String tcpRead(String address, int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(address, port), 2000);
            s.setSoTimeout(5000);
            return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            return null;
        }
    }
}
