package io.jlxd.tests;

import static io.jlxd.tests.Instances.action;
import static io.jlxd.tests.Instances.create;
import static io.jlxd.tests.Instances.instance;
import static io.jlxd.tests.Instances.ok;
import static io.jlxd.tests.Instances.state;
import static io.jlxd.tests.ServerConfigApiTest.assertError;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** /1.0/instances/{name}/snapshots, restore and copies against real busybox containers on the dir storage. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotsApiTest extends DaemonTestBase {
    private static final String A = "sn-a";
    private static String fingerprint;

    @BeforeAll
    static void image() {
        Instances.openTempRoot(daemon);
        fingerprint = Instances.importImage(Instances.busyboxImage());
        ok(create(Map.of("name", A, "source", Map.of("type", "image", "fingerprint", fingerprint), "config", Map.of("user.gen", "1"))));
    }

    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
    }

    private static String read(Path p) throws Exception {
        return Files.readString(p);
    }

    @Test
    @Order(1)
    void badInputIsRefusedAndChangesNothing() {
        assertError(Snapshots.post("sn-nope", Map.of()), 404);
        for (String bad : List.of("a/b", ".x", "a b", "x".repeat(64))) {
            assertError(Snapshots.post(A, Map.of("name", bad)), 400, "snapshot name");
        }
        assertError(Snapshots.post(A, Map.of("stateful", true)), 400, "running");
        assertError(given().header(ContractFilter.invalidRequest()).contentType("application/json").body("{\"bogus\":1}")
                .when().post("/1.0/instances/" + A + "/snapshots"), 400, "bogus");
        assertError(given().when().get("/1.0/instances/" + A + "/snapshots/none"), 404);
        assertError(given().when().delete("/1.0/instances/" + A + "/snapshots/none"), 404);
        assertError(given().when().get("/1.0/instances/sn-nope/snapshots"), 404);
        assertError(Snapshots.restore(A, "none", false), 404);
        assertError(Snapshots.patchConfig(A, Map.of("snapshots.schedule", "61 * * * *")), 400, "snapshots.schedule");
        assertError(Snapshots.patchConfig(A, Map.of("snapshots.schedule", "@often")), 400, "snapshots.schedule");
        assertError(Snapshots.patchConfig(A, Map.of("snapshots.expiry", "2 weeks")), 400, "snapshots.expiry");
        assertError(Snapshots.patchConfig(A, Map.of("snapshots.retention", "daily")), 400, "snapshots.retention");
        assertError(Snapshots.patchConfig(A, Map.of("snapshots.pattern", "a%db%d")), 400, "snapshots.pattern");
        assertError(Snapshots.patchConfig(A, Map.of("snapshots.schedule.stopped", "maybe")), 400, "snapshots.schedule.stopped");
        assertError(given().contentType("application/json").body("{\"config\":{\"snapshots.schedule\":\"* * *\"}}")
                .when().patch("/1.0/profiles/default"), 400, "snapshots.schedule");
        assertError(create(Map.of("name", "sn-x", "source", Map.of("type", "copy", "source", "sn-nope"))), 404, "sn-nope");
        assertError(create(Map.of("name", "sn-x", "source", Map.of("type", "copy", "source", A + "/none"))), 404, "none");
        assertError(create(Map.of("name", "sn-x", "source", Map.of("type", "copy", "source", A + "/.."))), 400);
        assertError(create(Map.of("name", "sn-x", "source", Map.of("type", "copy"))), 400, "source");
        assertError(create(Map.of("name", A, "source", Map.of("type", "copy", "source", A))), 409);
        assertEquals(List.of(), Snapshots.names(A));
        assertEquals("1", instance(A).get("config").get("user.gen").asText());
        assertFalse(hasEntries(Snapshots.snapshotVolume(daemon, A, "x").getParent()));
        assertFalse(Files.exists(Snapshots.volume(daemon, "sn-x")));
    }

    private static boolean hasEntries(Path dir) {
        try (var s = Files.list(dir)) {
            return s.findAny().isPresent();
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    @Order(2)
    void snapshotWhileAProcessWritesIsOneMoment() throws Exception {
        ok(action(A, Map.of("action", "start")));
        Path rootfs = Snapshots.volume(daemon, A).resolve("rootfs");
        Thread writer = Thread.ofPlatform().start(() -> Jlxc.run(daemon.dataDir(), "exec", A, "--", "sh", "-c",
                "i=0; while [ ! -e /stop ]; do echo $i >> /data.log; i=$((i+1)); done"));
        long deadline = System.currentTimeMillis() + 30_000;
        while ((!Files.exists(rootfs.resolve("data.log")) || Files.size(rootfs.resolve("data.log")) < 1000)
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        String snap = Snapshots.take(A, Map.of());
        Files.writeString(rootfs.resolve("stop"), "");
        writer.join(30_000);
        assertTrue(Files.size(rootfs.resolve("data.log")) > Files.size(Snapshots.snapshotVolume(daemon, A, snap).resolve("rootfs/data.log")),
                "the writer went on after the snapshot");
        Files.delete(rootfs.resolve("stop"));
        assertEquals("snap0", snap);
        String log = read(Snapshots.snapshotVolume(daemon, A, snap).resolve("rootfs/data.log"));
        assertTrue(log.endsWith("\n"), "a line was cut");
        String[] lines = log.split("\n");
        assertTrue(lines.length > 10, "the writer wrote " + lines.length + " lines");
        for (int i = 0; i < lines.length; i++) {
            assertEquals(Integer.toString(i), lines[i]);
        }
        assertEquals("Running", state(A).get("status").asText(), "the container was thawed");
        JsonNode s = Snapshots.get(A, snap);
        assertEquals("1", s.get("config").get("user.gen").asText());
        assertFalse(s.get("stateful").asBoolean());
        assertEquals("0001-01-01T00:00:00Z", s.get("expires_at").asText());
        assertTrue(s.get("expanded_devices").has("root"));
    }

    @Test
    @Order(3)
    void restoreOfARunningInstanceBringsFilesAndConfigBackAndRestartsIt() throws Exception {
        Snapshots.exec(daemon, A, "echo before > /marker");
        String snap = Snapshots.take(A, Map.of("name", "keep"));
        Snapshots.exec(daemon, A, "echo after > /marker; touch /extra");
        assertEquals(200, Snapshots.patchConfig(A, Map.of("user.gen", "2", "user.added", "x")).statusCode());
        assertEquals("2", instance(A).get("config").get("user.gen").asText());
        long pidBefore = state(A).get("pid").asLong();
        ok(Snapshots.restore(A, snap, false));
        JsonNode inst = instance(A);
        assertEquals("1", inst.get("config").get("user.gen").asText());
        assertFalse(inst.get("config").has("user.added"));
        assertEquals("Running", state(A).get("status").asText());
        assertTrue(state(A).get("pid").asLong() != pidBefore, "restarted");
        assertEquals("before\n", Snapshots.exec(daemon, A, "cat /marker").stdout());
        assertEquals("no\n", Snapshots.exec(daemon, A, "[ -e /extra ] && echo yes || echo no").stdout());
    }

    @Test
    @Order(4)
    void restoreOfAStoppedInstanceKeepsItStopped() throws Exception {
        ok(action(A, Map.of("action", "stop", "force", true)));
        Files.writeString(Snapshots.volume(daemon, A).resolve("rootfs/marker"), "changed\n");
        ok(Snapshots.restore(A, "keep", false));
        assertEquals("Stopped", state(A).get("status").asText());
        assertEquals("before\n", read(Snapshots.volume(daemon, A).resolve("rootfs/marker")));
    }

    @Test
    @Order(5)
    void copiesFromAnInstanceAndFromASnapshot() throws Exception {
        ok(create(Map.of("name", "sn-b", "source", Map.of("type", "copy", "source", A), "config", Map.of("user.copy", "yes"))));
        JsonNode b = instance("sn-b");
        assertEquals("1", b.get("config").get("user.gen").asText());
        assertEquals("yes", b.get("config").get("user.copy").asText());
        assertEquals(fingerprint, b.get("config").get("volatile.base_image").asText());
        assertEquals(List.of("snap0", "keep"), Snapshots.names("sn-b"));
        assertEquals("before\n", read(Snapshots.volume(daemon, "sn-b").resolve("rootfs/marker")));
        assertTrue(Files.exists(Snapshots.snapshotVolume(daemon, "sn-b", "keep").resolve("rootfs/marker")));

        ok(create(Map.of("name", "sn-c", "source", Map.of("type", "copy", "source", A + "/snap0"))));
        assertEquals(List.of(), Snapshots.names("sn-c"));
        assertFalse(Files.exists(Snapshots.volume(daemon, "sn-c").resolve("rootfs/marker")));
        ok(create(Map.of("name", "sn-d", "source", Map.of("type", "copy", "source", A, "instance_only", true))));
        assertEquals(List.of(), Snapshots.names("sn-d"));

        ok(action("sn-b", Map.of("action", "start")));
        assertEquals("before\n", Snapshots.exec(daemon, "sn-b", "cat /marker").stdout());
        Snapshots.exec(daemon, "sn-b", "echo b > /marker");
        assertEquals("before\n", read(Snapshots.volume(daemon, A).resolve("rootfs/marker")), "copies are independent");
        ok(action("sn-b", Map.of("action", "stop", "force", true)));
        for (String n : List.of("sn-c", "sn-d")) {
            ok(given().when().delete("/1.0/instances/" + n));
        }
    }

    @Test
    @Order(6)
    void renameExpiryDeleteAndRecursion() throws Exception {
        JsonNode full = Instances.json(given().queryParam("recursion", 2).when().get("/1.0/instances")).get("metadata");
        for (JsonNode i : full) {
            if (i.get("name").asText().equals(A)) {
                assertEquals(2, i.get("snapshots").size());
            }
        }
        assertError(given().contentType("application/json").body("{\"name\":\"keep\"}").when().post("/1.0/instances/" + A + "/snapshots/snap0"), 409);
        ok(given().contentType("application/json").body("{\"name\":\"first\"}").when().post("/1.0/instances/" + A + "/snapshots/snap0"));
        assertEquals(List.of("first", "keep"), Snapshots.names(A));
        assertTrue(Files.isDirectory(Snapshots.snapshotVolume(daemon, A, "first")));
        assertFalse(Files.exists(Snapshots.snapshotVolume(daemon, A, "snap0")));

        String soon = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(3).withNano(0).toString();
        ok(given().contentType("application/json").body("{\"expires_at\":\"" + soon + "\"}").when().put("/1.0/instances/" + A + "/snapshots/first"));
        assertEquals(OffsetDateTime.parse(soon).toInstant(), OffsetDateTime.parse(Snapshots.get(A, "first").get("expires_at").asText()).toInstant());
        String unnamed = Snapshots.take(A, Map.of("expires_at", soon));
        assertEquals("snap0", unnamed, "no name matches snap%d any more");
        long deadline = System.currentTimeMillis() + 20_000;
        while (Snapshots.names(A).size() > 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
        }
        assertEquals(List.of("keep"), Snapshots.names(A), "expired snapshots are deleted");
        assertFalse(Files.exists(Snapshots.snapshotVolume(daemon, A, "first")));

        ok(given().contentType("application/json").body("{\"name\":\"sn-a2\"}").when().post("/1.0/instances/" + A));
        assertEquals(List.of("keep"), Snapshots.names("sn-a2"));
        assertEquals("before\n", read(Snapshots.snapshotVolume(daemon, "sn-a2", "keep").resolve("rootfs/marker")));
        ok(given().contentType("application/json").body("{\"name\":\"" + A + "\"}").when().post("/1.0/instances/sn-a2"));

        ok(given().when().delete("/1.0/instances/" + A + "/snapshots/keep"));
        assertEquals(List.of(), Snapshots.names(A));
        assertFalse(Files.exists(Snapshots.snapshotVolume(daemon, A, "keep")));

        ok(given().when().delete("/1.0/instances/sn-b"));
        assertFalse(Files.exists(Snapshots.snapshotVolume(daemon, "sn-b", "keep").getParent()), "snapshots go with the instance");
    }

    @Test
    @Order(7)
    void patternAndExpiryFromConfig() {
        assertEquals(200, Snapshots.patchConfig(A, Map.of("snapshots.pattern", "b-{{ creation_date|date:'2006' }}-%d",
                "snapshots.expiry", "2w")).statusCode());
        String n = Snapshots.take(A, Map.of());
        assertEquals("b-" + OffsetDateTime.now().getYear() + "-0", n);
        OffsetDateTime created = OffsetDateTime.parse(Snapshots.get(A, n).get("created_at").asText());
        OffsetDateTime expires = OffsetDateTime.parse(Snapshots.get(A, n).get("expires_at").asText());
        assertEquals(created.plusWeeks(2).toEpochSecond(), expires.toEpochSecond(), 1);
        ok(given().when().delete("/1.0/instances/" + A + "/snapshots/" + n));
    }
}
