package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Live moves that fail half way, between two daemons on this host ({@code local:} is daemon a, {@code b:} daemon b,
 * driven by jlxc): the source daemon SIGKILLed while its container is frozen for the dump, the channel cut (the
 * relaying client killed) while the source is frozen with its NIC down, and a restore the target refuses. Each time
 * the source's container runs on with its counter and its NIC's host end up (at once, or at the source daemon's next
 * start), and the target has neither the instance, its volume nor a liblxc container. The container has a bridged
 * NIC on a bridge this test creates ({@link SharedSegment}, prefix jmn), so that the NIC host end the source takes
 * down while frozen is checked too.
 */
@Timeout(1800)
class MigrationFailureTest {
    private static TwoDaemons two;
    private static JlxdDaemon a;
    private static JlxdDaemon b;
    private static RemoteCli c;
    private static SharedSegment seg;

    @BeforeAll
    @Timeout(600) // two daemons and two image imports on a loaded machine
    static void twoDaemons() throws Exception {
        LxdClients.assumeInstalled("/usr/bin/rsync", "rsync");
        two = TwoDaemons.start("jmn", "jmn-fail");
        a = two.a;
        b = two.b;
        c = two.c;
        seg = two.seg;
        two.importOnBoth(Instances.busyboxImage(), "bb");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (two != null) {
            two.close();
        }
    }

    @Test
    void aSourceKilledAtTheFreezeThawsItsContainerAndBringsItsNicUpAtItsNextStart() throws Exception {
        a.allowWarnings("left frozen by an interrupted", "start-up recovery: jmn-ks unfrozen");
        b.allowWarnings("receiving a migrated instance failed", "operation [-0-9a-f]+ failed");
        String name = "jmn-ks";
        long before = runningOnSegment(name);
        Path journal = a.dataDir().resolve("containers").resolve(name).resolve(".jlxd-frozen-for-copy");
        try (RemoteCli.Running move = c.start("move", name, "b:")) {
            awaitTrue(() -> frozen(a, name) || !moveAlive(move), Duration.ofMinutes(3), () -> "the move did not freeze: " + move.output());
            assertTrue(Files.exists(journal), move::output);
            a.crash(); // frozen, CRIU dumping or done: its lxc-checkpoint runs on without the daemon
            assertNotEquals(0, move.waitFor(300), move::output);
        }
        // the target saw its channels end and undid the creation
        awaitTrue(() -> status("b:", name).isEmpty(), Duration.ofMinutes(2), () -> "the target kept " + name);
        assertNoLeftoverOnTarget(name);

        a.startProcess();
        assertTrue(a.stderr().contains("instance " + name + " was left frozen by an interrupted snapshot, copy or live migration: unfrozen,"
                + " its NICs up again"), "the start-up says what it did: " + JlxdDaemon.tail(a.stderr()));
        assertEquals("RUNNING", status("local:", name));
        assertTrue(counterAbove(name, before) > before, "the source runs on with its memory");
        assertHostEndsUp();
        assertFalse(Files.exists(journal), "the journal is settled");
        assertFalse(Files.exists(a.dataDir().resolve("containers").resolve(name).resolve("migration-dump")), "the dump is removed");
        c.ok("delete", "--force", name);
    }

    @Test
    void aChannelCutWhileTheSourceIsFrozenLeavesItRunningAndNothingOnTheTarget() throws Exception {
        a.allowWarnings("migration of jmn-cut failed", "operation [-0-9a-f]+ failed");
        b.allowWarnings("receiving a migrated instance failed", "operation [-0-9a-f]+ failed");
        String name = "jmn-cut";
        long before = runningOnSegment(name);
        Path journal = a.dataDir().resolve("containers").resolve(name).resolve(".jlxd-frozen-for-copy");
        // relay: every byte between the daemons goes through this client, so killing it cuts the channels
        try (RemoteCli.Running move = c.start("move", name, "b:", "--mode", "relay")) {
            // frozen, dumped, and its NIC host end down: the state is on its way
            awaitTrue(() -> frozen(a, name) && hostEndDown() || !moveAlive(move), Duration.ofMinutes(3),
                    () -> "the move did not freeze: " + move.output());
            assertTrue(Files.exists(journal), move::output);
        } // killed (SIGKILL): no undo by the client, the daemons are on their own
        awaitTrue(() -> !Files.exists(journal), Duration.ofMinutes(2), () -> "the source did not resume: " + JlxdDaemon.tail(a.stderr()));
        assertEquals("RUNNING", status("local:", name));
        assertTrue(counterAbove(name, before) > before, "the source runs on with its memory");
        assertHostEndsUp();
        awaitTrue(() -> status("b:", name).isEmpty(), Duration.ofMinutes(2), () -> "the target kept " + name);
        assertNoLeftoverOnTarget(name);
        assertFalse(a.stderr().contains("nothing moved on the"), "the cut was seen as the channel's end, not after an idle time");
        assertFalse(b.stderr().contains("nothing moved on the"), "the cut was seen as the channel's end, not after an idle time");
        c.ok("delete", "--force", name);
    }

    @Test
    void aRestoreTheTargetRefusesBringsTheSourcesNicBackUp() throws Exception {
        a.allowWarnings("migration of jmn-rf failed", "operation [-0-9a-f]+ failed");
        b.allowWarnings("receiving a migrated instance failed", "operation [-0-9a-f]+ failed");
        String name = "jmn-rf";
        long before = runningOnSegment(name);
        // on the target, the default profile adds a NIC on a bridge that does not exist there: the restore is refused
        // after the whole transfer, while the source is frozen with its NIC host end down
        c.ok("profile", "device", "add", "b:default", "eth9", "nic", "nictype=bridged", "parent=jmnnobr0", "name=eth9");
        try {
            Jlxc.Result r = c.run(Duration.ofMinutes(10), "move", name, "b:");
            assertNotEquals(0, r.exitCode(), r::toString);
            assertTrue(r.stderr().contains("jmnnobr0"), "the target's reason reaches the client: " + r);
        } finally {
            c.ok("profile", "device", "remove", "b:default", "eth9");
        }
        assertEquals("RUNNING", status("local:", name));
        assertTrue(counterAbove(name, before) > before, "the source runs on with its memory");
        assertHostEndsUp();
        assertEquals("", status("b:", name));
        assertNoLeftoverOnTarget(name);
        assertFalse(Files.exists(a.dataDir().resolve("containers").resolve(name).resolve(".jlxd-frozen-for-copy")), "no journal left");
        c.ok("delete", "--force", name);
    }

    /** liblxc's own view (lxc-info), independent of the daemon: the container is FROZEN. */
    private static boolean frozen(JlxdDaemon d, String name) {
        try {
            Process p = new ProcessBuilder("lxc-info", "-n", name, "-P", d.dataDir().resolve("containers").toString(), "-s", "-H")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return out.equals("FROZEN");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean moveAlive(RemoteCli.Running move) {
        return move.alive();
    }

    /** A running busybox container with a bridged NIC on the segment and a counter in memory; its current count. */
    private static long runningOnSegment(String name) throws InterruptedException {
        c.ok("init", "bb", name);
        c.ok("config", "device", "add", name, "mig0", "nic", "nictype=bridged", "parent=" + seg.bridge, "name=mig0");
        c.ok("start", name);
        c.ok("exec", name, "--", "sh", "-c", "setsid sh -c 'i=0; while true; do i=$((i+1)); echo $i >/run/count.new;"
                + " mv /run/count.new /run/count; sleep 0.1; done' </dev/null >/dev/null 2>&1 &");
        return counterAbove(name, 0);
    }

    private static void assertNoLeftoverOnTarget(String name) {
        assertFalse(Files.exists(b.dataDir().resolve("storage-pools/default/containers").resolve(name)), "no volume left on the target");
        assertFalse(Files.exists(b.dataDir().resolve("containers").resolve(name)), "no liblxc container left on the target");
    }

    /** Some port of the segment's bridge is down (a live move's source has taken its NIC host end down). */
    private static boolean hostEndDown() {
        try (var ports = Files.list(Path.of("/sys/class/net", seg.bridge, "brif"))) {
            for (Path p : ports.toList()) {
                String flags = Files.readString(Path.of("/sys/class/net", p.getFileName().toString(), "flags")).strip();
                if ((Long.decode(flags) & 1) == 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Every port of the segment's bridge (the containers' NIC host ends and the client's veth) is up. */
    private static void assertHostEndsUp() throws IOException {
        try (var ports = Files.list(Path.of("/sys/class/net", seg.bridge, "brif"))) {
            for (Path p : ports.toList()) {
                String flags = Files.readString(Path.of("/sys/class/net", p.getFileName().toString(), "flags")).strip();
                assertEquals(1, Long.decode(flags) & 1, "the NIC host end " + p.getFileName() + " is down: " + flags);
            }
        }
    }

    private static long counterAbove(String name, long above) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            Jlxc.Result r = c.run("exec", name, "--", "cat", "/run/count");
            last = r.toString();
            if (r.exitCode() == 0 && r.stdout().strip().matches("\\d+")) {
                long v = Long.parseLong(r.stdout().strip());
                if (v > above) {
                    return v;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the counter of " + name + " did not go beyond " + above + ": " + last);
    }

    private static String status(String remote, String name) {
        Jlxc.Result r = c.run("list", remote, "--format", "csv", "-c", "ns");
        return r.stdout().lines().filter(l -> l.startsWith(name + ",")).map(l -> l.substring(name.length() + 1)).findFirst().orElse("");
    }

    private static void awaitTrue(BooleanSupplier cond, Duration limit, java.util.function.Supplier<String> why) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!cond.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, why);
            Thread.sleep(20);
        }
    }
}
