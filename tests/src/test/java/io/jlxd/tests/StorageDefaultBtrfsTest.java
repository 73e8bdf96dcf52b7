package io.jlxd.tests;

import static io.jlxd.tests.StoragePoolsApiTest.get;
import static io.jlxd.tests.StoragePoolsApiTest.mounted;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A daemon started with --storage-driver btrfs: its default pool is a loop file, privileged and unprivileged launches. */
class StorageDefaultBtrfsTest extends DaemonTestBase {
    private static String fingerprint;

    @BeforeAll
    static void btrfsDaemon() {
        daemon.close();
        daemon = JlxdDaemon.start(List.of("--storage-driver", "btrfs", "--storage-size", "768MiB"));
        useSocket(daemon);
        Instances.openTempRoot(daemon);
        fingerprint = Instances.importImage(Instances.busyboxImage());
    }

    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
    }

    private static Path pool() {
        return daemon.dataDir().resolve("storage-pools/default");
    }

    @Test
    void defaultPoolOnBtrfs() throws Exception {
        {
            var p = get("/1.0/storage-pools/default");
            assertEquals("btrfs", p.get("driver").asText());
            assertEquals("768MiB", p.get("config").get("size").asText());
        }
        assertTrue(mounted(pool()));
        assertEquals(768L << 20, Files.size(daemon.dataDir().resolve("disks/default.img")));

        Map<String, Object> src = Map.of("type", "image", "fingerprint", fingerprint);
        Instances.ok(Instances.create(Map.of("name", "sp-d1", "source", src)));
        Instances.ok(Instances.create(Map.of("name", "sp-p1", "source", src, "config", Map.of("security.privileged", "true"))));
        assertTrue(Files.isDirectory(pool().resolve("images/" + fingerprint)), "image volume for the default id map");
        assertEquals(0L, ((Number) Files.getAttribute(pool().resolve("containers/sp-p1/rootfs/bin"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue(),
                "privileged: unpacked unshifted");
        assertEquals(1_000_000L, ((Number) Files.getAttribute(pool().resolve("containers/sp-d1/rootfs/bin"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue(),
                "unprivileged: a snapshot of the shifted image volume");

        daemon.stop();
        assertEquals(0, new ProcessBuilder("umount", pool().toString()).inheritIO().start().waitFor());
        assertFalse(mounted(pool()));
        daemon.startProcess();
        useSocket(daemon);
        assertTrue(mounted(pool()));
        Instances.ok(Instances.action("sp-d1", Map.of("action", "start")));
        assertEquals("RUNNING", Instances.state("sp-d1").get("status").asText().toUpperCase());
        Instances.ok(Instances.action("sp-d1", Map.of("action", "stop", "force", true)));
        assertEquals(409, given().when().delete("/1.0/storage-pools/default").statusCode());
    }
}
