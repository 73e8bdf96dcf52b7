package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /1.0/storage-pools and custom volumes against a real daemon: dir pools, and btrfs on loop files it creates. */
class StoragePoolsApiTest extends DaemonTestBase {
    private static final String POOLS = "/1.0/storage-pools";

    static Response post(String path, Object body) {
        return given().contentType("application/json").body(toJson(body)).when().post(path);
    }

    static Response put(String path, Object body) {
        return given().contentType("application/json").body(toJson(body)).when().put(path);
    }

    static Response patch(String path, Object body) {
        return given().contentType("application/json").body(toJson(body)).when().patch(path);
    }

    static void status(int want, Response r) {
        assertEquals(want, r.statusCode(), r::asString);
    }

    static JsonNode get(String path) {
        Response r = given().when().get(path);
        assertEquals(200, r.statusCode(), r::asString);
        return json(r).get("metadata");
    }

    static boolean mounted(Path p) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(l -> l.split(" ")[4].equals(p.toString()));
    }

    @Test
    void defaultPoolIsDirAndUsedByTheDefaultProfile() {
        JsonNode p = get(POOLS + "/default");
        assertEquals("dir", p.get("driver").asText());
        assertEquals("Created", p.get("status").asText());
        assertTrue(p.get("used_by").toString().contains("/1.0/profiles/default"), p.toString());
        assertEquals(List.of(POOLS + "/default"), List.of(get(POOLS).get(0).asText()).subList(0, 1));
        JsonNode res = get(POOLS + "/default/resources");
        assertTrue(res.get("space").get("total").asLong() > 0);
        status(409, given().when().delete(POOLS + "/default"));
    }

    @Test
    void btrfsLoopPoolLifecycle() throws Exception {
        status(200, post(POOLS, Map.of("name", "sp-b1", "driver", "btrfs", "config", Map.of("size", "512MiB"),
                "description", "test pool")));
        Path root = daemon.dataDir().resolve("storage-pools/sp-b1");
        Path img = daemon.dataDir().resolve("disks/sp-b1.img");
        assertTrue(mounted(root), "the loop pool is mounted");
        assertEquals(512L << 20, Files.size(img));
        JsonNode p = get(POOLS + "/sp-b1");
        assertEquals("btrfs", p.get("driver").asText());
        assertEquals("512MiB", p.get("config").get("size").asText());
        long total = get(POOLS + "/sp-b1/resources").get("space").get("total").asLong();
        assertTrue(total > 400L << 20 && total <= 512L << 20, "total " + total);

        // config: user keys can change, size and source cannot, unknown keys are refused
        String etag = given().when().get(POOLS + "/sp-b1").header("ETag");
        status(200, given().header("If-Match", etag).contentType("application/json")
                .body(toJson(Map.of("config", Map.of("user.x", "1")))).when().patch(POOLS + "/sp-b1"));
        assertEquals("1", get(POOLS + "/sp-b1").get("config").get("user.x").asText());
        assertEquals("512MiB", get(POOLS + "/sp-b1").get("config").get("size").asText());
        status(400, patch(POOLS + "/sp-b1", Map.of("config", Map.of("size", "1GiB"))));
        status(400, patch(POOLS + "/sp-b1", Map.of("config", Map.of("bogus", "1"))));
        status(412, given().header("If-Match", "\"nope\"").contentType("application/json")
                .body(toJson(Map.of("description", "x"))).when().put(POOLS + "/sp-b1"));

        // a custom volume with a quota; the pool cannot go while it exists
        Instances.ok(post(POOLS + "/sp-b1/volumes/custom", Map.of("name", "sp-v", "config", Map.of("size", "10MiB"))));
        JsonNode v = get(POOLS + "/sp-b1/volumes/custom/sp-v");
        assertEquals("custom", v.get("type").asText());
        assertEquals("10MiB", v.get("config").get("size").asText());
        assertTrue(Files.isDirectory(root.resolve("custom/sp-v")));
        status(409, given().when().delete(POOLS + "/sp-b1"));
        assertEquals(1, get(POOLS + "/sp-b1/volumes?recursion=1").size());
        assertEquals(POOLS + "/sp-b1/volumes/custom/sp-v", get(POOLS + "/sp-b1/volumes/custom").get(0).asText());

        // volume snapshots: create, list, rename, restore, delete
        Path f = root.resolve("custom/sp-v/data");
        Files.writeString(f, "before");
        Instances.ok(post(POOLS + "/sp-b1/volumes/custom/sp-v/snapshots", Map.of()));
        assertEquals("snap0", get(POOLS + "/sp-b1/volumes/custom/sp-v/snapshots?recursion=1").get(0).get("name").asText());
        status(409, post(POOLS + "/sp-b1/volumes/custom/sp-v/snapshots", Map.of("name", "snap0")));
        Files.writeString(f, "after");
        Instances.ok(post(POOLS + "/sp-b1/volumes/custom/sp-v/snapshots/snap0", Map.of("name", "first"))); // async, as LXD
        status(404, given().when().get(POOLS + "/sp-b1/volumes/custom/sp-v/snapshots/snap0"));
        status(200, put(POOLS + "/sp-b1/volumes/custom/sp-v", Map.of("restore", "first")));
        assertEquals("before", Files.readString(f));
        status(400, put(POOLS + "/sp-b1/volumes/custom/sp-v", Map.of("restore", "../x")));
        status(404, put(POOLS + "/sp-b1/volumes/custom/sp-v", Map.of("restore", "nope")));

        // copy (O(1) on btrfs) and rename
        Instances.ok(post(POOLS + "/sp-b1/volumes/custom", Map.of("name", "sp-copy",
                "source", Map.of("type", "copy", "pool", "sp-b1", "name", "sp-v/first"))));
        assertEquals("before", Files.readString(root.resolve("custom/sp-copy/data")));
        status(200, post(POOLS + "/sp-b1/volumes/custom/sp-copy", Map.of("name", "sp-copy2")));
        assertTrue(Files.isDirectory(root.resolve("custom/sp-copy2")));
        status(200, given().when().delete(POOLS + "/sp-b1/volumes/custom/sp-copy2"));

        Instances.ok(given().when().delete(POOLS + "/sp-b1/volumes/custom/sp-v/snapshots/first")); // async, as LXD
        status(200, given().when().delete(POOLS + "/sp-b1/volumes/custom/sp-v"));
        status(200, given().when().delete(POOLS + "/sp-b1"));
        assertFalse(mounted(root), "unmounted");
        assertFalse(Files.exists(img), "loop file removed");
        status(404, given().when().get(POOLS + "/sp-b1"));
    }

    @Test
    void dirPoolVolumesRefuseQuotas() throws Exception {
        status(200, post(POOLS, Map.of("name", "sp-d1", "driver", "dir")));
        Response r = post(POOLS + "/sp-d1/volumes/custom", Map.of("name", "sp-q", "config", Map.of("size", "10MiB")));
        status(400, r);
        assertTrue(r.asString().contains("quota"), r.asString());
        Instances.ok(post(POOLS + "/sp-d1/volumes/custom", Map.of("name", "sp-nq")));
        status(400, patch(POOLS + "/sp-d1/volumes/custom/sp-nq", Map.of("config", Map.of("size", "10MiB"))));
        Files.writeString(daemon.dataDir().resolve("storage-pools/sp-d1/custom/sp-nq/x"), "dir");
        Instances.ok(post(POOLS + "/sp-d1/volumes/custom/sp-nq/snapshots", Map.of("name", "s1")));
        assertEquals("dir", Files.readString(daemon.dataDir().resolve("storage-pools/sp-d1/custom-snapshots/sp-nq/s1/x")));
        Response q = post("/1.0/instances", Map.of("name", "sp-dq", "source", Map.of("type", "none"), "devices",
                Map.of("root", Map.of("type", "disk", "path", "/", "pool", "sp-d1", "size", "1GiB"))));
        status(400, q);
        assertTrue(q.asString().contains("quota"), q.asString());
        status(200, given().when().delete(POOLS + "/sp-d1/volumes/custom/sp-nq"));
        status(200, given().when().delete(POOLS + "/sp-d1"));
        assertFalse(Files.exists(daemon.dataDir().resolve("storage-pools/sp-d1")));
    }

    @Test
    void leftoversOfACrashAreCleanedAtStartAndVolumesCopyAcrossPools() throws Exception {
        daemon.allowWarnings("custom volume sp-rc/sp-orphan has no row", "snapshot sp-rc/sp-keep/ghost has no row",
                "removing leftover of an interrupted storage operation: .*sp-new", "rolling back an interrupted restore: .*sp-keep");
        status(200, post(POOLS, Map.of("name", "sp-rc", "driver", "dir")));
        Instances.ok(post(POOLS + "/sp-rc/volumes/custom", Map.of("name", "sp-keep")));
        Path pool = daemon.dataDir().resolve("storage-pools/sp-rc");
        Files.writeString(pool.resolve("custom/sp-keep/f"), "kept");
        Instances.ok(post(POOLS + "/sp-rc/volumes/custom/sp-keep/snapshots", Map.of("name", "s0")));
        daemon.stop();
        // what a kill -9 half way can leave: a volume without its row, a snapshot without its row, a temporary, a
        // restore interrupted after the volume was moved aside
        Files.createDirectories(pool.resolve("custom/sp-orphan"));
        Files.createDirectories(pool.resolve("custom-snapshots/sp-keep/ghost"));
        Files.createDirectories(pool.resolve("custom/.sp-new.jlxd-tmp-abc"));
        Files.move(pool.resolve("custom/sp-keep"), pool.resolve("custom/.sp-keep.jlxd-old-abc"));
        daemon.startProcess();
        useSocket(daemon);
        try (var l = Files.list(pool.resolve("custom"))) {
            assertEquals(List.of("sp-keep"), l.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("kept", Files.readString(pool.resolve("custom/sp-keep/f")), "interrupted restore rolled back");
        assertFalse(Files.exists(pool.resolve("custom-snapshots/sp-keep/ghost")));
        assertTrue(Files.exists(pool.resolve("custom-snapshots/sp-keep/s0")));

        // copy to another pool (the default dir pool), from a snapshot
        Instances.ok(post(POOLS + "/default/volumes/custom", Map.of("name", "sp-copied",
                "source", Map.of("type", "copy", "pool", "sp-rc", "name", "sp-keep/s0"))));
        assertEquals("kept", Files.readString(daemon.dataDir().resolve("storage-pools/default/custom/sp-copied/f")));
        status(200, given().when().delete(POOLS + "/default/volumes/custom/sp-copied"));
        status(200, given().when().delete(POOLS + "/sp-rc/volumes/custom/sp-keep"));
        status(200, given().when().delete(POOLS + "/sp-rc"));
    }

    @Test
    void badInput() {
        status(400, post(POOLS, Map.of("name", "sp-x", "driver", "zfs")));
        status(400, post(POOLS, Map.of("name", "sp-x")));
        status(400, post(POOLS, Map.of("name", "../x", "driver", "dir")));
        status(400, post(POOLS, Map.of("name", "", "driver", "dir")));
        status(400, post(POOLS, Map.of("name", "sp-x", "driver", "dir", "config", Map.of("size", "1GiB"))));
        status(400, post(POOLS, Map.of("name", "sp-x", "driver", "btrfs", "config", Map.of("size", "lots"))));
        status(400, post(POOLS, Map.of("name", "sp-x", "driver", "btrfs", "config", Map.of("size", "1MiB"))));
        status(400, post(POOLS, Map.of("name", "sp-x", "driver", "btrfs", "config", Map.of("source", "/proc"))));
        status(400, post(POOLS, Map.of("name", "sp-x", "driver", "btrfs", "config", Map.of("source", "rel/dir"))));
        status(400, post(POOLS, Map.of("name", "sp-x", "driver", "dir", "config", Map.of("nope", "1"))));
        status(400, given().header(ContractFilter.invalidRequest()).contentType("application/json")
                .body("{\"name\":\"sp-x\",\"driver\":\"dir\",\"bogus\":1}").when().post(POOLS));
        status(409, post(POOLS, Map.of("name", "default", "driver", "dir")));
        assertFalse(Files.exists(daemon.dataDir().resolve("storage-pools/sp-x")), "nothing left by refused requests");
        status(404, given().when().get(POOLS + "/sp-none"));
        status(404, given().when().get(POOLS + "/sp-none/volumes"));
        status(400, given().when().get(POOLS + "/default/volumes/bogus"));
        status(400, post(POOLS + "/default/volumes/container", Map.of("name", "x")));
        status(400, post(POOLS + "/default/volumes/custom", Map.of("name", "../x")));
        status(400, post(POOLS + "/default/volumes/custom", Map.of("name", ".hidden")));
        status(400, post(POOLS + "/default/volumes/custom", Map.of("name", "a/b")));
        status(400, post(POOLS + "/default/volumes/custom", Map.of("name", "sp-x", "config", Map.of("nope", "1"))));
        status(400, post(POOLS + "/default/volumes/custom", Map.of("name", "sp-x", "content_type", "block")));
        status(400, post(POOLS + "/default/volumes/custom", Map.of("name", "sp-x", "source", Map.of("type", "migration"))));
        status(404, given().when().get(POOLS + "/default/volumes/custom/sp-none"));
        status(404, given().when().delete(POOLS + "/default/volumes/custom/sp-none"));
        status(404, post(POOLS + "/default/volumes/custom/sp-none/snapshots", Map.of()));
        assertEquals(0, get(POOLS + "/default/volumes/custom").size());
    }
}
