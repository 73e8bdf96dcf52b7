package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Migration between two daemons on this host, driven by LXD's own {@code lxc} 5.0.2 (Debian's lxd-client) with two
 * HTTPS remotes on loopback ports ("ja" and "jb", trusted through tokens): cold copies and moves with snapshots in
 * pull and push mode, live moves there and back that keep a process and its in-memory counter, stateless moves, and
 * a target whose restore fails, which leaves the source running and the target without the instance.
 */
@Timeout(900)
class MigrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JlxdDaemon a;
    private static JlxdDaemon b;
    private static Path conf;

    @BeforeAll
    static void twoDaemons() throws Exception {
        LxdClients.assumeInstalled("/usr/bin/lxc", "lxd-client");
        LxdClients.assumeInstalled("/usr/bin/rsync", "rsync");
        a = JlxdDaemon.start();
        b = JlxdDaemon.start();
        Instances.openTempRoot(a);
        Instances.openTempRoot(b);
        conf = Files.createTempDirectory("jlxd-mig-conf-");
        Path image = Instances.busyboxImage();
        for (Object[] d : new Object[][] {{a, "ja"}, {b, "jb"}}) {
            JlxdDaemon dd = (JlxdDaemon) d[0];
            int port = HttpsListenerTest.freePort();
            ok(onSocket(dd, "config", "set", "core.https_address", "127.0.0.1:" + port));
            String token = ok(onSocket(dd, "config", "trust", "add", "--name", "mig-test", "-q")).out().strip();
            token = token.substring(token.lastIndexOf('\n') + 1).strip();
            ok(lxc("remote", "add", (String) d[1], token, "--accept-certificate"));
            ok(lxc("image", "import", image.toString(), d[1] + ":", "--alias", "busybox"));
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try {
            for (String r : List.of("ja", "jb")) {
                if (a == null || b == null) {
                    break;
                }
                Run list = lxc("list", r + ":", "-c", "n", "--format", "csv");
                for (String n : list.out().strip().split("\n")) {
                    if (!n.isBlank()) {
                        lxc("delete", "-f", r + ":" + n.strip());
                    }
                }
            }
        } finally {
            try {
                if (a != null) {
                    a.close();
                }
            } finally {
                try {
                    if (b != null) {
                        b.close();
                    }
                } finally {
                    if (conf != null) {
                        JlxdDaemon.deleteTree(conf); // the client's key: removed even when a daemon's close fails
                    }
                }
            }
        }
    }

    record Run(List<String> cmd, int code, String out) {
        @Override
        public String toString() {
            return String.join(" ", cmd) + " -> exit " + code + "\n" + out;
        }
    }

    static Run lxc(String... args) throws Exception {
        return run(null, args);
    }

    /** lxc on a daemon's own Unix socket (LXD_DIR), for what only a local client may do (trust tokens, config). */
    static Run onSocket(JlxdDaemon d, String... args) throws Exception {
        return run(d, args);
    }

    private static Run run(JlxdDaemon d, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("lxc"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LXD_CONF", conf.toString());
        pb.environment().put("HOME", conf.toString());
        if (d != null) {
            pb.environment().put("LXD_DIR", d.dataDir().toString());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish: " + out);
        }
        return new Run(cmd, p.exitValue(), out);
    }

    static Run ok(Run r) {
        assertEquals(0, r.code(), r::toString);
        return r;
    }

    static List<String> names(String remote) throws Exception {
        String out = ok(lxc("list", remote + ":", "-c", "n", "--format", "csv")).out().strip();
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    static String state(String ref) throws Exception {
        return JSON.readTree(ok(lxc("query", ref.replace(":", ":/1.0/instances/"))).out()).get("status").asText();
    }

    /** A running busybox container with a shell loop counting in a file every 0.1 s (its memory is the count). */
    static void runningWithCounter(String ref) throws Exception {
        ok(lxc("init", ref.substring(0, ref.indexOf(':') + 1) + "busybox", ref));
        ok(lxc("start", ref));
        ok(lxc("exec", ref, "--", "sh", "-c",
                "echo 'i=0; while true; do i=$((i+1)); echo $i > /tmp/counter.new; mv /tmp/counter.new /tmp/counter; sleep 0.1; done' > /root/loop.sh"));
        ok(lxc("exec", ref, "--", "sh", "-c", "setsid sh /root/loop.sh </dev/null >/dev/null 2>&1 &"));
        waitCounter(ref, 1);
    }

    static long counter(String ref) throws Exception {
        Run r = ok(lxc("exec", ref, "--", "cat", "/tmp/counter"));
        return Long.parseLong(r.out().strip());
    }

    /** Waits until the counter exceeds {@code above} (it runs), and returns it. */
    static long waitCounter(String ref, long above) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Run r = lxc("exec", ref, "--", "cat", "/tmp/counter");
            if (r.code() == 0 && !r.out().isBlank()) {
                long v = Long.parseLong(r.out().strip());
                if (v > above) {
                    return v;
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("the counter of " + ref + " did not go beyond " + above + ": " + r);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void coldCopyInPushModeAndMoveWithSnapshots() throws Exception {
        ok(lxc("init", "ja:busybox", "ja:mc1"));
        ok(lxc("start", "ja:mc1"));
        ok(lxc("exec", "ja:mc1", "--", "sh", "-c", "echo before > /root/f"));
        ok(lxc("stop", "-f", "ja:mc1"));
        ok(lxc("snapshot", "ja:mc1", "s0"));
        ok(lxc("start", "ja:mc1"));
        ok(lxc("exec", "ja:mc1", "--", "sh", "-c", "echo after > /root/f"));
        ok(lxc("stop", "-f", "ja:mc1"));
        ok(lxc("snapshot", "ja:mc1", "s1"));

        ok(lxc("copy", "ja:mc1", "jb:mc1", "--mode", "push"));
        assertEquals(List.of("mc1"), names("jb"));
        JsonNode snaps = JSON.readTree(ok(lxc("query", "jb:/1.0/instances/mc1/snapshots")).out());
        assertEquals(2, snaps.size(), snaps::toString);
        assertEquals("Stopped", state("jb:mc1"));
        assertTrue(names("ja").contains("mc1"), "a copy keeps the source");

        ok(lxc("move", "jb:mc1", "ja:mc2")); // pull, and a new name
        assertEquals(List.of(), names("jb"));
        assertEquals(2, JSON.readTree(ok(lxc("query", "ja:/1.0/instances/mc2/snapshots")).out()).size());
        ok(lxc("start", "ja:mc2"));
        assertEquals("after\n", ok(lxc("exec", "ja:mc2", "--", "cat", "/root/f")).out());
        ok(lxc("stop", "-f", "ja:mc2"));
        ok(lxc("restore", "ja:mc2", "s0"));
        ok(lxc("start", "ja:mc2"));
        assertEquals("before\n", ok(lxc("exec", "ja:mc2", "--", "cat", "/root/f")).out(), "the snapshot's own data came along");
        ok(lxc("delete", "-f", "ja:mc2"));
        ok(lxc("delete", "-f", "ja:mc1"));
        Run instanceOnly = ok(lxc("list", "jb:", "--format", "csv"));
        assertEquals("", instanceOnly.out().strip());
    }

    @Test
    void aSnapshotIsCopiedToTheOtherDaemonAsANewInstanceInEveryMode() throws Exception {
        ok(lxc("init", "ja:busybox", "ja:ms1"));
        ok(lxc("start", "ja:ms1"));
        ok(lxc("exec", "ja:ms1", "--", "sh", "-c", "echo then > /root/f"));
        ok(lxc("snapshot", "ja:ms1", "s0")); // of the running instance: its file system only
        ok(lxc("exec", "ja:ms1", "--", "sh", "-c", "echo now > /root/f"));
        Run live = lxc("query", "-X", "POST", "-d", "{\"migration\": true, \"live\": true}", "ja:/1.0/instances/ms1/snapshots/s0");
        assertNotEquals(0, live.code(), live::toString);
        assertTrue(live.out().contains("without running state"), live::toString);
        for (String mode : List.of("pull", "push", "relay")) {
            String dst = "jb:ms-" + mode;
            ok(lxc("copy", "ja:ms1/s0", dst, "--mode", mode));
            assertEquals("Stopped", state(dst), mode);
            assertEquals(0, JSON.readTree(ok(lxc("query", "jb:/1.0/instances/ms-" + mode + "/snapshots")).out()).size(), mode);
            ok(lxc("start", dst));
            assertEquals("then\n", ok(lxc("exec", dst, "--", "cat", "/root/f")).out(), mode + ": the snapshot's data, not the instance's");
            ok(lxc("delete", "-f", dst));
        }
        assertEquals("Running", state("ja:ms1"), "the source runs on");
        assertEquals("now\n", ok(lxc("exec", "ja:ms1", "--", "cat", "/root/f")).out());
        assertEquals(1, JSON.readTree(ok(lxc("query", "ja:/1.0/instances/ms1/snapshots")).out()).size(), "the snapshot stays");
        ok(lxc("delete", "-f", "ja:ms1"));
    }

    @Test
    void liveMoveKeepsTheRunningProcessesThereAndBack() throws Exception {
        runningWithCounter("ja:ml1");
        long before = counter("ja:ml1");
        ok(lxc("move", "ja:ml1", "jb:ml1"));
        assertEquals(List.of(), names("ja").stream().filter(n -> n.equals("ml1")).toList(), "the source is gone");
        assertEquals("Running", state("jb:ml1"));
        long there = counter("jb:ml1");
        assertTrue(there >= before, "the counter went on from " + before + ", not from 0: " + there);
        waitCounter("jb:ml1", there); // and it still counts

        ok(lxc("move", "jb:ml1", "ja:ml1", "--mode", "push"));
        assertFalse(names("jb").contains("ml1"));
        long back = counter("ja:ml1");
        assertTrue(back >= there, "the counter went on from " + there + ": " + back);
        waitCounter("ja:ml1", back);
        ok(lxc("delete", "-f", "ja:ml1"));
    }

    @Test
    void betweenJlxdDaemonsTheStateIsStreamedAndTheFinalPassOverlapsTheDump() throws Exception {
        runningWithCounter("ja:mo1");
        long before = counter("ja:mo1");
        ok(lxc("move", "ja:mo1", "jb:mo1"));
        assertTrue(counter("jb:mo1") >= before);
        String done = lastLine(a.stderr(), "migration of mo1 (live) done: ");
        assertTrue(done.contains("state_transfer=stream") && done.contains("final_fs_overlap=true"), done);
        assertTrue(done.contains("precopy=") && done.contains("criu_dump_ms=") && done.contains("downtime_ms="), done);
        assertTrue(lastLine(b.stderr(), "restore of mo1: ").contains("restore_criu_ms="), "the target's restore steps are logged");
        ok(lxc("delete", "-f", "jb:mo1"));
    }

    @Test
    void aPeerThatOffersNoJlxdFeatureGetsLxdsOrderBothWays() throws Exception {
        // a daemon that migrates as an LXD peer would: rsync for the state, the final pass after the dump
        JlxdDaemon c = JlxdDaemon.startWithEnv(java.util.Map.of("JLXD_MIGRATION_FEATURES", "none"));
        try {
            Instances.openTempRoot(c);
            int port = HttpsListenerTest.freePort();
            ok(onSocket(c, "config", "set", "core.https_address", "127.0.0.1:" + port));
            String token = ok(onSocket(c, "config", "trust", "add", "--name", "mig-test", "-q")).out().strip();
            ok(lxc("remote", "add", "jc", token.substring(token.lastIndexOf('\n') + 1).strip(), "--accept-certificate"));
            runningWithCounter("ja:mp1");
            long before = counter("ja:mp1");
            ok(lxc("move", "ja:mp1", "jc:mp1"));
            long there = counter("jc:mp1");
            assertTrue(there >= before, "the counter went on: " + before + " -> " + there);
            String out = lastLine(a.stderr(), "migration of mp1 (live) done: ");
            assertTrue(out.contains("state_transfer=rsync") && out.contains("final_fs_overlap=false"), out);
            ok(lxc("move", "jc:mp1", "ja:mp1"));
            assertTrue(counter("ja:mp1") >= there);
            String back = lastLine(c.stderr(), "migration of mp1 (live) done: ");
            assertTrue(back.contains("state_transfer=rsync") && back.contains("final_fs_overlap=false"), back);
            ok(lxc("delete", "-f", "ja:mp1"));
        } finally {
            try {
                for (String n : names("jc")) {
                    lxc("delete", "-f", "jc:" + n);
                }
                lxc("remote", "remove", "jc");
            } finally {
                c.close();
            }
        }
    }

    @Test
    void aDowntimeBudgetNothingFitsIsRefusedBeforeAnythingIsFrozen() throws Exception {
        a.allowWarnings("operation [-0-9a-f]+ failed");
        runningWithCounter("ja:md1");
        Run bad = lxc("config", "set", "ja:md1", "migration.downtime.max", "soon");
        assertTrue(bad.code() != 0 && bad.out().contains("migration.downtime.max"), bad::toString);
        ok(lxc("config", "set", "ja:md1", "migration.downtime.max", "100ms"));
        long before = counter("ja:md1");
        Run move = lxc("move", "ja:md1", "jb:md1");
        assertTrue(move.code() != 0, move::toString);
        assertTrue(move.out().contains("downtime budget of 100 ms") && move.out().contains("near-live at"), move::toString);
        assertEquals("Running", state("ja:md1"));
        assertTrue(waitCounter("ja:md1", before) > before, "never frozen: it counts on");
        assertFalse(names("jb").contains("md1"), "nothing made on the target");
        assertFalse(a.stderr().contains("migration of md1 (live) done"), "no migration ran");
        ok(lxc("delete", "-f", "ja:md1"));
    }

    @Test
    void aDowntimeBudgetBetweenTheEstimatesMovesNearLiveAndALargeOneLive() throws Exception {
        runningWithCounter("ja:md2");
        // near-live is estimated below 2 s, live above (MigrationPreflight): near-live
        ok(lxc("config", "set", "ja:md2", "migration.downtime.max", "2s"));
        ok(lxc("move", "ja:md2", "jb:md2"));
        assertFalse(names("ja").contains("md2"), "the source is gone");
        assertEquals("Running", state("jb:md2"), "booted on the target");
        String done = lastLine(a.stderr(), "migration of md2 (near-live) done: ");
        assertTrue(done.contains("migration_type=near-live") && done.contains("downtime_ms=") && done.contains("stop_ms="), done);
        assertTrue(b.stderr().contains("migration of md2 received"), "the target says what it did");
        assertFalse(ok(lxc("exec", "jb:md2", "--", "ps")).out().contains("loop.sh"),
                "booted afresh: the counting loop (started by exec) is not there");
        assertEquals(0, ok(lxc("exec", "jb:md2", "--", "test", "-f", "/root/loop.sh")).code(), "the file system came along");

        // a budget live fits: live
        ok(lxc("exec", "jb:md2", "--", "sh", "-c", "setsid sh /root/loop.sh </dev/null >/dev/null 2>&1 &"));
        long before = waitCounter("jb:md2", counter("jb:md2"));
        ok(lxc("config", "set", "jb:md2", "migration.downtime.max", "60s"));
        ok(lxc("move", "jb:md2", "ja:md2"));
        assertTrue(counter("ja:md2") >= before, "the counter went on");
        String live = lastLine(b.stderr(), "migration of md2 (live) done: ");
        assertTrue(live.contains("downtime_plan=live is estimated at"), live);
        ok(lxc("delete", "-f", "ja:md2"));
    }

    /** The last line of a daemon's log that contains {@code marker} (an AssertionError if none). */
    static String lastLine(String log, String marker) {
        String found = null;
        for (String l : log.split("\n")) {
            if (l.contains(marker)) {
                found = l;
            }
        }
        if (found == null) {
            throw new AssertionError("no \"" + marker + "\" in the daemon's log");
        }
        return found;
    }

    @Test
    void statelessMoveOfARunningInstanceStartsItOnTheTarget() throws Exception {
        runningWithCounter("ja:ms1");
        ok(lxc("move", "ja:ms1", "jb:ms1", "--stateless"));
        assertFalse(names("ja").contains("ms1"));
        assertEquals("Running", state("jb:ms1"), "lxc starts it again after a stateless move");
        // booted afresh: the loop does not run (it was started by exec), the file system came along
        assertEquals(0, ok(lxc("exec", "jb:ms1", "--", "test", "-f", "/root/loop.sh")).code());
        ok(lxc("delete", "-f", "jb:ms1"));
    }

    @Test
    void aRestoreTheTargetRefusesLeavesTheSourceRunning() throws Exception {
        a.allowWarnings("migration of mf1 failed", "operation [-0-9a-f]+ failed");
        b.allowWarnings("receiving a migrated instance failed", "operation [-0-9a-f]+ failed");
        runningWithCounter("ja:mf1");
        // on the target, the default profile gives the instance a NIC on a bridge that does not exist there: the restore
        // is refused after the whole transfer, while the source is frozen
        ok(lxc("profile", "device", "add", "jb:default", "eth0", "nic", "nictype=bridged", "parent=jtmnobr0"));
        try {
            long before = counter("ja:mf1");
            Run move = lxc("move", "ja:mf1", "jb:mf1");
            assertTrue(move.code() != 0, move::toString);
            assertTrue(move.out().contains("jtmnobr0"), "the reason reaches the client: " + move);
            assertTrue(a.stderr().contains("jtmnobr0"), "the source logs the target's reason");
            assertEquals("Running", state("ja:mf1"));
            long after = waitCounter("ja:mf1", before);
            assertTrue(after > before, "the source runs on (thawed)");
            assertFalse(names("jb").contains("mf1"), "no instance left on the target");
            Path volume = b.dataDir().resolve("storage-pools/default/containers/mf1");
            assertFalse(Files.exists(volume), "no volume left on the target: " + volume);
            assertFalse(Files.exists(b.dataDir().resolve("storage-pools/default/containers-snapshots/mf1")));
        } finally {
            ok(lxc("profile", "device", "remove", "jb:default", "eth0"));
        }
        ok(lxc("delete", "-f", "ja:mf1"));
    }
    @Test
    void aTargetKilledDuringTheTransferLeavesTheSourceRunningAndNothingThere() throws Exception {
        a.allowWarnings("migration of mk1 failed", "operation [-0-9a-f]+ failed");
        b.allowWarnings("start-up recovery", "partly received");
        runningWithCounter("ja:mk1");
        // enough data that the transfer takes a while
        ok(lxc("exec", "ja:mk1", "--", "dd", "if=/dev/urandom", "of=/root/big", "bs=1M", "count=300"));
        long before = counter("ja:mk1");
        List<String> cmd = new ArrayList<>(List.of("lxc", "move", "ja:mk1", "jb:mk1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LXD_CONF", conf.toString());
        pb.environment().put("HOME", conf.toString());
        Process move = pb.start();
        Path volume = b.dataDir().resolve("storage-pools/default/containers/mk1");
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(volume.resolve("rootfs/root"))) {
            assertTrue(System.nanoTime() < end && move.isAlive(), "the transfer did not start");
            Thread.sleep(20);
        }
        b.crash();
        assertTrue(move.waitFor(120, TimeUnit.SECONDS));
        String out = new String(move.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(move.exitValue() != 0, out);
        assertEquals("Running", state("ja:mk1"));
        assertTrue(waitCounter("ja:mk1", before) > before, "the source runs on");
        b.startProcess();
        assertFalse(names("jb").contains("mk1"), "the partly received instance is gone after the target's restart");
        assertFalse(Files.exists(volume), "no volume left on the target");
        ok(lxc("delete", "-f", "ja:mk1"));
    }
}
