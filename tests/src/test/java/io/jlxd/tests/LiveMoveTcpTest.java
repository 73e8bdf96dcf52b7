package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Live moves back and forth between two daemons on this host that share a bridge segment ({@link SharedSegment}: a
 * bridge and a client network namespace this test creates, prefix {@code jmn}). The container has a bridged NIC on
 * that bridge with a static address, runs an echo server (busybox nc) and a shell loop counting in memory; a client
 * in the namespace keeps one TCP connection open to the echo server for the whole test. After every move (pull,
 * push and relay in turn): the instance runs on the target and is gone from the source, the counter went on (never
 * reset), the same connection still echoes what the client sends, and the NIC has the same MAC and address.
 * A busybox container and a systemd one (debian/bookworm). Rounds (there and back) per container:
 * {@code -Djlxd.mig.rounds=N} for both, else 5 (busybox, 10 moves) and 3 (systemd, 6 moves), to keep CI reasonable.
 */
@Timeout(7200)
class LiveMoveTcpTest {
    private static final Integer ROUNDS = Integer.getInteger("jlxd.mig.rounds");
    private static final Duration MOVE_LIMIT = Duration.ofMinutes(10);
    private static final Duration ECHO_LIMIT = Duration.ofMinutes(2);
    private static final String[] MODES = {"pull", "push", "relay"};
    private static TwoDaemons two;
    private static JlxdDaemon a;
    private static JlxdDaemon b;
    private static RemoteCli c;
    private static SharedSegment seg;

    @BeforeAll
    @Timeout(900) // four image imports (two of a 150 MB Debian) on a loaded machine
    static void twoDaemonsOnOneSegment() throws Exception {
        LxdClients.assumeInstalled("/usr/bin/rsync", "rsync");
        two = TwoDaemons.start("jmn", "jmn-live");
        a = two.a;
        b = two.b;
        c = two.c;
        seg = two.seg;
        two.importOnBoth(Instances.busyboxImage(), "bb");
        two.importOnBoth(Instances.image("debian/bookworm"), "deb");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (two != null) {
            two.close();
        }
    }

    @Test
    void aBusyboxContainerMovesBackAndForthKeepingItsConnectionCounterAddressAndMac() throws Exception {
        backAndForth("bb", "jmn-bb", 0, "", ROUNDS != null ? ROUNDS : 5, false);
    }

    @Test
    void aSystemdContainerMovesBackAndForthKeepingItsConnectionCounterAddressAndMac() throws Exception {
        backAndForth("deb", "jmn-sd", 1, "/usr/local/bin/busybox ", ROUNDS != null ? ROUNDS : 3, true);
    }

    /**
     * One container, {@code rounds} times there and back. {@code bb} is how busybox's applets are called in it (the
     * Debian image has no nc and no ip: busybox is pushed in).
     */
    private void backAndForth(String image, String name, int n, String bb, int rounds, boolean systemd) throws Exception {
        String addr = seg.address(n);
        c.ok("init", image, name);
        c.ok("config", "device", "add", name, "mig0", "nic", "nictype=bridged", "parent=" + seg.bridge, "name=mig0");
        c.ok("start", name);
        if (systemd) {
            // degraded or running: either way systemd is done booting (the result is not what this test is about)
            c.run(Duration.ofMinutes(3), "exec", name, "--", "systemctl", "is-system-running", "--wait");
            c.ok("file", "push", "/bin/busybox", name + "/usr/local/bin/busybox", "--mode", "0755");
        }
        // the busybox image runs udhcpc on every NIC at boot: it would flush the static address when it gives up
        sh(name, bb + "killall udhcpc 2>/dev/null; " + bb + "ip addr add " + addr + "/24 dev mig0 && " + bb + "ip link set mig0 up");
        sh(name, "setsid " + bb + "nc -l -p 7000 -e /bin/cat </dev/null >/dev/null 2>&1 &");
        // the count is shown in /run (a tmpfs, which CRIU carries with the state): files the loop renames in the root file
        // system would vanish under the running pre-copy pass (rsync exit 24, handled on main separately)
        sh(name, "setsid sh -c 'i=0; while true; do i=$((i+1)); echo $i >/run/count.new; mv /run/count.new /run/count; sleep 0.1; done'"
                + " </dev/null >/dev/null 2>&1 &");
        long count = counterAbove("", name, 0);
        String mac = sh(name, "cat /sys/class/net/mig0/address");
        try (SharedSegment.EchoLink link = connect(addr)) {
            List<String> frozen = new ArrayList<>();
            String where = "";
            for (int i = 0; i < 2 * rounds; i++) {
                String from = where;
                String to = where.isEmpty() ? "b:" : "local:";
                String mode = MODES[i % MODES.length];
                Jlxc.Result r = c.run(MOVE_LIMIT, "move", from + name, to, "--mode", mode);
                String what = "move " + (i + 1) + " of " + 2 * rounds + " (" + mode + ", " + (from.isEmpty() ? "local:" : from) + " -> " + to + ")";
                assertEquals(0, r.exitCode(), () -> what + ": " + r + "\nsource log: " + JlxdDaemon.tail((from.isEmpty() ? a : b).stderr())
                        + "\ntarget log: " + JlxdDaemon.tail((from.isEmpty() ? b : a).stderr()));
                assertTrue(r.stdout().contains(": live"), () -> what + " was not live: " + r);
                frozen.add(r.stdout().replaceAll("(?s).*frozen for ([0-9.]+ s).*", "$1").strip());
                where = to.equals("b:") ? "b:" : "";
                assertEquals("RUNNING", status(where, name), what);
                assertEquals("", status(where.isEmpty() ? "b:" : "local:", name), what + ": the source is gone");
                long now = counterAbove(where, name, 0);
                assertTrue(now >= count, what + ": the in-memory counter went on from " + count + ", it did not restart: " + now);
                count = counterAbove(where, name, now); // and it still counts
                assertTrue(link.echo("round-" + i, ECHO_LIMIT), what + ": the TCP connection opened before the first move no longer echoes");
                assertTrue(link.alive(), what + ": the TCP connection was closed");
                assertEquals(mac, sh(where + name, "cat /sys/class/net/mig0/address"), what + ": the MAC changed");
                String ip = sh(where + name, bb + "ip -4 -o addr show dev mig0");
                assertTrue(ip.contains(" " + addr + "/24"), what + ": the address changed: " + ip);
            }
            System.out.printf("MIGRATION %s: %d live moves, frozen %s%n", name, 2 * rounds, frozen);
        }
        c.ok("delete", "--force", name);
    }

    /** The client's connection to the echo server, retried until the server listens (bounded). */
    private static SharedSegment.EchoLink connect(String addr) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            SharedSegment.EchoLink l = seg.connect(addr, 7000);
            if (l.echo("hello", Duration.ofSeconds(5))) {
                return l;
            }
            l.close();
            assertTrue(System.nanoTime() < end, "the echo server at " + addr + " did not answer");
            Thread.sleep(200);
        }
    }

    private static String sh(String ref, String script) {
        return c.ok("exec", ref, "--", "sh", "-c", script).stdout().strip();
    }

    /** The container's counter once it is above {@code above} (waits up to a minute). */
    private static long counterAbove(String where, String name, long above) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            Jlxc.Result r = c.run("exec", where + name, "--", "cat", "/run/count");
            last = r.toString();
            if (r.exitCode() == 0 && r.stdout().strip().matches("\\d+")) {
                long v = Long.parseLong(r.stdout().strip());
                if (v > above) {
                    return v;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the counter of " + where + name + " did not go beyond " + above + ": " + last);
    }

    /** "RUNNING", "STOPPED"... of {@code name} on a remote ("" local), or "" when it has none. */
    private static String status(String remote, String name) {
        Jlxc.Result r = c.run("list", remote.isEmpty() ? "local:" : remote, "--format", "csv", "-c", "ns");
        return r.stdout().lines().filter(l -> l.startsWith(name + ",")).map(l -> l.substring(name.length() + 1)).findFirst().orElse("");
    }
}
