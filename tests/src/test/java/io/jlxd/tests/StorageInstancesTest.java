package io.jlxd.tests;

import static io.jlxd.tests.StoragePoolsApiTest.get;
import static io.jlxd.tests.StoragePoolsApiTest.mounted;
import static io.jlxd.tests.StoragePoolsApiTest.post;
import static io.jlxd.tests.StoragePoolsApiTest.status;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real busybox containers on a btrfs pool (a loop file the daemon creates): O(1) launch from the pool's image volume,
 * custom volumes shared between running containers, read-only attach, quotas enforced inside the container, and a
 * daemon restart that re-mounts the pool.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class StorageInstancesTest extends DaemonTestBase {
    private static final String POOL = "/1.0/storage-pools/sp-ib";
    private static String fingerprint;

    @BeforeAll
    static void setUp() {
        Instances.openTempRoot(daemon);
        fingerprint = Instances.importImage(Instances.busyboxImage());
        status(200, post("/1.0/storage-pools", Map.of("name", "sp-ib", "driver", "btrfs", "config", Map.of("size", "1GiB"))));
    }

    @AfterAll
    static void tearDown() {
        Instances.cleanup(daemon);
    }

    private static Map<String, Object> onPool(String name, Map<String, Object> devices) {
        Map<String, Object> devs = new java.util.TreeMap<>(devices);
        devs.putIfAbsent("root", Map.of("type", "disk", "path", "/", "pool", "sp-ib"));
        return Map.of("name", name, "source", Map.of("type", "image", "fingerprint", fingerprint), "devices", devs);
    }

    private static Jlxc.Result exec(String name, String script) {
        return Jlxc.run(daemon.dataDir(), "exec", name, "--", "sh", "-c", script);
    }

    private static Path pool() {
        return daemon.dataDir().resolve("storage-pools/sp-ib");
    }

    private static boolean subvolume(Path p) throws Exception {
        return ((Number) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue() == 256;
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void containersOnBtrfsWithCustomVolumes() throws Exception {
        Instances.ok(post(POOL + "/volumes/custom", Map.of("name", "sp-shared", "config", Map.of("security.shared", "true"))));
        Instances.ok(post(POOL + "/volumes/custom", Map.of("name", "sp-excl")));
        Instances.ok(post(POOL + "/volumes/custom", Map.of("name", "sp-quota", "config", Map.of("size", "8MiB"))));
        Instances.ok(post(POOL + "/volumes/custom", Map.of("name", "sp-ro")));
        Files.writeString(pool().resolve("custom/sp-ro/hello"), "read me");

        Map<String, Object> shared = Map.of("type", "disk", "pool", "sp-ib", "source", "sp-shared", "path", "/mnt/shared");
        Map<String, Object> excl = Map.of("type", "disk", "pool", "sp-ib", "source", "sp-excl", "path", "/mnt/excl");
        long t0 = System.nanoTime();
        Instances.ok(Instances.create(onPool("sp-c1", Map.of("data", shared, "excl", excl,
                "quota", Map.of("type", "disk", "pool", "sp-ib", "source", "sp-quota", "path", "/mnt/quota")))));
        System.out.println("launch on btrfs (image volume unpacked once): " + (System.nanoTime() - t0) / 1_000_000 + " ms");

        // the unshared volume cannot go to a second instance; a missing volume or pool, ".." are refused
        Response r = Instances.create(onPool("sp-c2", Map.of("data", shared, "excl", excl)));
        status(400, r);
        assertTrue(r.asString().contains("security.shared"), r.asString());
        status(400, Instances.create(onPool("sp-c2", Map.of("x", Map.of("type", "disk", "pool", "sp-ib", "source", "sp-none", "path", "/x")))));
        status(400, Instances.create(onPool("sp-c2", Map.of("x", Map.of("type", "disk", "pool", "sp-nopool", "source", "v", "path", "/x")))));
        status(400, Instances.create(onPool("sp-c2", Map.of("x", Map.of("type", "disk", "pool", "sp-ib", "source", "sp-shared", "path", "/a/../x")))));
        // (a host path such as /etc is a host-path disk, as in LXD: LxcClientTest; one with ".." is refused)
        status(400, Instances.create(onPool("sp-c2", Map.of("x", Map.of("type", "disk", "source", "/etc/../root", "path", "/x")))));
        status(400, Instances.create(onPool("sp-c2", Map.of("x", Map.of("type", "disk", "source", "etc", "path", "/x")))));
        t0 = System.nanoTime();
        Instances.ok(Instances.create(onPool("sp-c2", Map.of("data", shared,
                "ro", Map.of("type", "disk", "pool", "sp-ib", "source", "sp-ro", "path", "/mnt/ro", "readonly", "true"),
                "root", Map.of("type", "disk", "path", "/", "pool", "sp-ib", "size", "32MiB")))));
        System.out.println("launch on btrfs (snapshot of the image volume): " + (System.nanoTime() - t0) / 1_000_000 + " ms");

        // each rootfs is a subvolume, a writable snapshot of the pool's image volume
        assertTrue(subvolume(pool().resolve("containers/sp-c1")));
        assertTrue(subvolume(pool().resolve("containers/sp-c2")));
        assertTrue(subvolume(pool().resolve("images/" + fingerprint)));
        assertEquals(3, get(POOL + "/volumes/container").size() + get(POOL + "/volumes/image").size());
        assertTrue(get(POOL + "/volumes/custom/sp-shared").get("used_by").toString().contains("sp-c2"));

        for (String c : new String[] {"sp-c1", "sp-c2"}) {
            Instances.ok(Instances.action(c, Map.of("action", "start")));
        }
        Jlxc.Result w = exec("sp-c1", "echo from-c1 > /mnt/shared/f && cat /mnt/shared/f");
        assertEquals(0, w.exitCode(), w::toString);
        Jlxc.Result rd = exec("sp-c2", "cat /mnt/shared/f");
        assertEquals("from-c1", rd.stdout().trim(), rd::toString);
        assertEquals("read me", exec("sp-c2", "cat /mnt/ro/hello").stdout().trim());
        Jlxc.Result ro = exec("sp-c2", "echo x > /mnt/ro/new");
        assertNotEquals(0, ro.exitCode(), "read-only volume: " + ro);
        assertFalse(Files.exists(pool().resolve("custom/sp-ro/new")));
        // the quota holds inside the container
        Jlxc.Result q = exec("sp-c1", "dd if=/dev/zero of=/mnt/quota/big bs=1M count=32 && sync");
        assertNotEquals(0, q.exitCode(), "quota: " + q);
        assertTrue(Files.size(pool().resolve("custom/sp-quota/big")) <= 9L << 20);
        assertTrue(Instances.state("sp-c1").get("disk").get("root").get("usage").asLong() > 0, Instances.state("sp-c1").toString());
        // the root disk's size is a quota on the instance volume
        Jlxc.Result rq = exec("sp-c2", "dd if=/dev/zero of=/big bs=1M count=64 && sync");
        assertNotEquals(0, rq.exitCode(), "root quota: " + rq);
        assertEquals("32MiB", get(POOL + "/volumes/container/sp-c2").get("config").get("size").asText());

        // restore of a volume mounted by a running instance is refused; the pool cannot be deleted
        Instances.ok(post(POOL + "/volumes/custom/sp-shared/snapshots", Map.of("name", "s0")));
        status(409, StoragePoolsApiTest.put(POOL + "/volumes/custom/sp-shared", Map.of("restore", "s0")));
        status(409, given().when().delete(POOL + "/volumes/custom/sp-shared"));
        status(409, given().when().delete(POOL));

        // daemon restart: the pool is unmounted while the daemon is down, re-mounted at start, containers start
        for (String c : new String[] {"sp-c1", "sp-c2"}) {
            Instances.ok(Instances.action(c, Map.of("action", "stop", "force", true)));
        }
        daemon.stop();
        Process u = new ProcessBuilder("umount", pool().toString()).inheritIO().start();
        assertEquals(0, u.waitFor());
        assertFalse(mounted(pool()));
        daemon.startProcess();
        useSocket(daemon);
        assertTrue(mounted(pool()), "re-mounted at start");
        Instances.ok(Instances.action("sp-c1", Map.of("action", "start")));
        assertEquals("from-c1", exec("sp-c1", "cat /mnt/shared/f").stdout().trim());
        Instances.ok(Instances.action("sp-c1", Map.of("action", "stop", "force", true)));

        // deleting the instances and the image leaves the pool empty; then it can go
        Instances.ok(given().when().delete("/1.0/instances/sp-c1"));
        Instances.ok(given().when().delete("/1.0/instances/sp-c2"));
        assertFalse(Files.exists(pool().resolve("containers/sp-c1")));
        Instances.ok(given().when().delete("/1.0/images/" + fingerprint));
        assertFalse(Files.exists(pool().resolve("images/" + fingerprint)), "image volume removed with the image");
        for (String v : new String[] {"sp-shared", "sp-excl", "sp-quota", "sp-ro"}) {
            status(200, given().when().delete(POOL + "/volumes/custom/" + v));
        }
        status(200, given().when().delete(POOL));
        assertFalse(mounted(pool()));
    }

    /** Snapshots, restore and copies on btrfs: read-only subvolume snapshots, writable snapshots for copies (O(1)). */
    @Test
    @org.junit.jupiter.api.Order(1)
    void snapshotsRestoreAndCopiesOnBtrfs() throws Exception {
        // a pool of its own: the other test deletes sp-ib at its end
        status(200, post("/1.0/storage-pools", Map.of("name", "sp-is", "driver", "btrfs", "config", Map.of("size", "1GiB"))));
        Path pool = daemon.dataDir().resolve("storage-pools/sp-is");
        Instances.ok(Instances.create(Map.of("name", "sp-s1", "source", Map.of("type", "image", "fingerprint", fingerprint),
                "devices", Map.of("root", Map.of("type", "disk", "path", "/", "pool", "sp-is")))));
        Instances.ok(Instances.action("sp-s1", Map.of("action", "start")));
        assertEquals(0, exec("sp-s1", "echo before > /root/note").exitCode());
        assertEquals("snap0", Snapshots.take("sp-s1", Map.of("name", "snap0")));
        Path snap = pool.resolve("containers-snapshots/sp-s1/snap0");
        assertTrue(subvolume(snap), "the snapshot is a subvolume");
        Process ro = new ProcessBuilder("btrfs", "property", "get", "-ts", snap.toString(), "ro").redirectErrorStream(true).start();
        String roOut = new String(ro.getInputStream().readAllBytes()).strip();
        assertEquals(0, ro.waitFor());
        assertEquals("ro=true", roOut, "a read-only snapshot");
        assertEquals("before\n", Files.readString(snap.resolve("rootfs/root/note")));

        assertEquals(0, exec("sp-s1", "echo after > /root/note").exitCode());
        Instances.ok(Snapshots.restore("sp-s1", "snap0", false)); // running: stopped, restored, started again
        Jlxc.Result cat = exec("sp-s1", "cat /root/note");
        assertEquals("before", cat.stdout().strip(), cat::toString);
        assertTrue(subvolume(pool.resolve("containers/sp-s1")), "the restored volume is a subvolume");

        // a copy of the snapshot is a writable snapshot on the same pool, with its own content from then on
        Instances.ok(Instances.create(Map.of("name", "sp-s2", "source", Map.of("type", "copy", "source", "sp-s1/snap0"))));
        Path copy = pool.resolve("containers/sp-s2");
        assertTrue(subvolume(copy), "the copy is a subvolume of the same pool");
        assertEquals("before\n", Files.readString(copy.resolve("rootfs/root/note")));
        Files.writeString(copy.resolve("rootfs/root/note"), "copy\n");
        assertEquals("before\n", Files.readString(snap.resolve("rootfs/root/note")), "the snapshot is untouched");
        // a full copy takes the snapshots along
        Instances.ok(Instances.create(Map.of("name", "sp-s3", "source", Map.of("type", "copy", "source", "sp-s1"))));
        assertTrue(subvolume(pool.resolve("containers-snapshots/sp-s3/snap0")));
        Instances.ok(Instances.action("sp-s1", Map.of("action", "stop", "force", true)));
        for (String c : new String[] {"sp-s1", "sp-s2", "sp-s3"}) {
            Instances.ok(given().when().delete("/1.0/instances/" + c));
        }
        assertFalse(Files.exists(pool.resolve("containers-snapshots/sp-s1")), "snapshots go with the instance");
    }

    /** On a dir pool too, a launch copies the pool's image volume (unpacked and shifted once); the pool can go once no instance is left. */
    @Test
    @org.junit.jupiter.api.Order(0) // before containersOnBtrfsWithCustomVolumes deletes the image
    void dirPoolLaunchesFromItsImageVolume() throws Exception {
        status(200, post("/1.0/storage-pools", Map.of("name", "sp-id", "driver", "dir")));
        Path pool = daemon.dataDir().resolve("storage-pools/sp-id");
        for (String c : new String[] {"sp-d1", "sp-d2"}) {
            Instances.ok(Instances.create(Map.of("name", c, "source", Map.of("type", "image", "fingerprint", fingerprint),
                    "devices", Map.of("root", Map.of("type", "disk", "path", "/", "pool", "sp-id")))));
        }
        Path image = pool.resolve("images/" + fingerprint + "/rootfs");
        assertTrue(Files.isDirectory(image), "image volume on the dir pool");
        assertEquals(Files.getAttribute(image.resolve("bin/busybox"), "unix:uid"),
                Files.getAttribute(pool.resolve("containers/sp-d2/rootfs/bin/busybox"), "unix:uid"), "shifted once, copied with owners");
        Instances.ok(Instances.action("sp-d2", Map.of("action", "start")));
        assertEquals("ok", exec("sp-d2", "echo ok").stdout().strip());
        Instances.ok(Instances.action("sp-d2", Map.of("action", "stop", "force", true)));
        status(409, given().when().delete("/1.0/storage-pools/sp-id"));
        assertTrue(Files.isDirectory(image), "a pool in use keeps its image volumes");
        for (String c : new String[] {"sp-d1", "sp-d2"}) {
            Instances.ok(given().when().delete("/1.0/instances/" + c));
        }
        status(200, given().when().delete("/1.0/storage-pools/sp-id"));
        assertFalse(Files.exists(pool), "the cached image volume went with the pool");
    }
}
