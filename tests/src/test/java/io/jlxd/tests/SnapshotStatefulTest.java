package io.jlxd.tests;

import static io.jlxd.tests.Instances.action;
import static io.jlxd.tests.Instances.create;
import static io.jlxd.tests.Instances.ok;
import static io.jlxd.tests.Instances.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Stateful snapshots with the real CRIU: the container keeps running; restoring brings its processes back. */
class SnapshotStatefulTest extends DaemonTestBase {
    private static final String F = "sn-f";

    @BeforeAll
    static void instance() {
        Instances.openTempRoot(daemon);
        String fp = Instances.importImage(Instances.busyboxImage());
        ok(create(Map.of("name", F, "source", Map.of("type", "image", "fingerprint", fp), "start", true)));
    }

    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
    }

    private static String sh(String script) {
        return Snapshots.exec(daemon, F, script).stdout().strip();
    }

    private static long count() throws Exception {
        for (int i = 0; ; i++) {
            String v = sh("cat /tmp/count 2>/dev/null");
            if (!v.isEmpty() || i == 20) {
                return Long.parseLong(v);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void statefulSnapshotAndRestoreKeepProcesses() throws Exception {
        sh("setsid sh -c 'echo $$ >/tmp/pid; i=0; while true; do i=$((i+1)); echo $i >/tmp/count; sleep 0.05; done' "
                + "</dev/null >/dev/null 2>&1 &");
        Thread.sleep(500);
        String pid = sh("cat /tmp/pid");
        long before = count();
        assertTrue(before > 0);

        Snapshots.take(F, Map.of("name", "live", "stateful", true));
        assertEquals("Running", state(F).get("status").asText(), "a stateful snapshot leaves the container running");
        assertTrue(Snapshots.get(F, "live").get("stateful").asBoolean());
        assertTrue(Files.isRegularFile(Snapshots.snapshotVolume(daemon, F, "live").resolve("state/inventory.img")), "the checkpoint is kept with the snapshot");
        assertFalse(Files.exists(Snapshots.volume(daemon, F).resolve("state")), "and not left in the instance volume");
        long atSnapshot = Long.parseLong(Files.readString(Snapshots.snapshotVolume(daemon, F, "live").resolve("rootfs/tmp/count")).strip());
        Thread.sleep(1500);
        long later = count();
        assertTrue(later > atSnapshot + 10, later + " > " + atSnapshot);

        ok(Snapshots.restore(F, "live", true));
        assertEquals("Running", state(F).get("status").asText());
        long restored = count();
        assertTrue(restored < later, "the counter went back in time: " + restored + " < " + later);
        assertEquals(pid, sh("cat /tmp/pid"));
        assertTrue(sh("ls /proc").lines().anyMatch(pid::equals), "the counter's process was restored");
        Thread.sleep(300);
        assertTrue(count() > restored, "and it counts on");
        assertFalse(Files.exists(Snapshots.volume(daemon, F).resolve("state")));

        // A plain restore of the same snapshot boots afresh: files back, no counter process.
        ok(Snapshots.restore(F, "live", false));
        assertEquals("Running", state(F).get("status").asText());
        long still = count();
        Thread.sleep(400);
        assertEquals(still, count(), "a plain restore boots afresh: no counter runs");
        ok(action(F, Map.of("action", "stop", "force", true)));
    }
}
