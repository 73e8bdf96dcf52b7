package io.jlxd.tests;

import static io.jlxd.tests.Instances.create;
import static io.jlxd.tests.Instances.instance;
import static io.jlxd.tests.Instances.ok;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * kill -9 of the daemon in the middle of a snapshot, a copy and a restore of a container with 600 MB of data: the next
 * start leaves the old state or the new one, never half, and no leftovers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotCrashTest extends DaemonTestBase {
    private static final String K = "sn-k";

    @BeforeAll
    static void instanceWithData() throws Exception {
        // the crashes are the point: start-up recovery reports what it repaired
        daemon.allowWarnings("start-up recovery:", "has no volume", "has no row", "finished the restore of",
                "volume .* has no row \\(interrupted operation\\)", "removing leftover of an interrupted storage operation",
                "removing the old content of a restored volume", "rolling back an interrupted restore");
        Instances.openTempRoot(daemon);
        String fp = Instances.importImage(Instances.busyboxImage());
        ok(create(Map.of("name", K, "source", Map.of("type", "image", "fingerprint", fp), "config", Map.of("user.v", "1"))));
        Process dd = new ProcessBuilder("dd", "if=/dev/zero", "of=" + Snapshots.volume(daemon, K).resolve("rootfs/big"), "bs=1M", "count=600")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, dd.waitFor());
        Files.writeString(Snapshots.volume(daemon, K).resolve("rootfs/marker"), "v1\n");
    }

    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
    }

    /**
     * Starts the request, waits until a temporary named {@code prefix} (the pool driver's {@code .NAME.jlxd-tmp-RANDOM})
     * appears under {@code dir}, then kills the daemon.
     */
    private static void crashDuring(Response accepted, Path dir, String prefix) throws Exception {
        assertEquals(202, accepted.statusCode(), accepted::asString);
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    if (s.anyMatch(p -> p.getFileName().toString().startsWith(prefix))) {
                        break;
                    }
                }
            }
            Thread.sleep(2);
        }
        daemon.crash();
        assertTrue(hasTemporary(dir, prefix), "the crash happened while the temporary copy existed");
        daemon.startProcess();
        useSocket(daemon);
    }

    private static boolean hasTemporary(Path dir, String prefix) throws Exception {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        }
    }

    private static void assertNoTemporaries() throws Exception {
        Path pool = daemon.dataDir().resolve("storage-pools/default");
        try (var w = Files.walk(pool, 3)) {
            List<Path> tmp = w.filter(p -> p.getFileName().toString().contains(".jlxd-tmp-")
                    || p.getFileName().toString().contains(".jlxd-old-")).toList();
            assertEquals(List.of(), tmp);
        }
    }

    @Test
    @Order(1)
    void crashDuringASnapshotLeavesNoSnapshot() throws Exception {
        crashDuring(Snapshots.post(K, Map.of("name", "s1")), Snapshots.snapshotVolume(daemon, K, "s1").getParent(), ".s1.jlxd-tmp-");
        assertEquals(List.of(), Snapshots.names(K));
        assertFalse(Files.exists(Snapshots.snapshotVolume(daemon, K, "s1")));
        assertNoTemporaries();
        assertEquals(600L << 20, Files.size(Snapshots.volume(daemon, K).resolve("rootfs/big")));
        assertEquals("s1", Snapshots.take(K, Map.of("name", "s1")), "the name is free again");
        assertEquals(600L << 20, Files.size(Snapshots.snapshotVolume(daemon, K, "s1").resolve("rootfs/big")));
    }

    @Test
    @Order(2)
    void crashDuringACopyLeavesNoInstance() throws Exception {
        crashDuring(create(Map.of("name", "sn-k2", "source", Map.of("type", "copy", "source", K))),
                Snapshots.volume(daemon, K).getParent(), ".sn-k2.jlxd-tmp-");
        assertEquals(List.of(K), Instances.names());
        assertFalse(Files.exists(Snapshots.volume(daemon, "sn-k2")));
        assertFalse(Files.exists(Snapshots.snapshotVolume(daemon, "sn-k2", "s1").getParent()));
        assertNoTemporaries();
        ok(create(Map.of("name", "sn-k2", "source", Map.of("type", "copy", "source", K, "instance_only", true))));
        ok(given().when().delete("/1.0/instances/sn-k2"));
    }

    @Test
    @Order(3)
    void crashDuringARestoreFinishesItAtTheNextStart() throws Exception {
        Files.writeString(Snapshots.volume(daemon, K).resolve("rootfs/marker"), "v2\n");
        assertEquals(200, Snapshots.patchConfig(K, Map.of("user.v", "2")).statusCode());
        crashDuring(Snapshots.restore(K, "s1", false), Snapshots.volume(daemon, K).getParent(), "." + K + ".jlxd-tmp-");
        assertEquals("v1\n", Files.readString(Snapshots.volume(daemon, K).resolve("rootfs/marker")), "rolled forward");
        assertEquals("1", instance(K).get("config").get("user.v").asText(), "config rolled forward with the files");
        assertEquals(600L << 20, Files.size(Snapshots.volume(daemon, K).resolve("rootfs/big")));
        assertNoTemporaries();
        assertTrue(daemon.stderr().contains("finished the restore of " + K), "the start says what it repaired");
    }

    @Test
    @Order(4)
    void startReconcilesRowsAndVolumes() throws Exception {
        Path orphan = Files.createDirectories(Snapshots.snapshotVolume(daemon, K, "orphan").resolve("rootfs"));
        Snapshots.take(K, Map.of("name", "lost"));
        new ProcessBuilder("rm", "-rf", Snapshots.snapshotVolume(daemon, K, "lost").toString()).start().waitFor();
        daemon.restart();
        useSocket(daemon);
        assertFalse(Files.exists(orphan.getParent()), "a volume without row is removed");
        assertEquals(List.of("s1"), Snapshots.names(K), "a row without volume is removed");
    }
}
