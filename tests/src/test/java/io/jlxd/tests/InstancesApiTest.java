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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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

/** /1.0/instances and /state against real busybox containers (unprivileged), including daemon restarts. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstancesApiTest extends DaemonTestBase {
    private static String fingerprint;

    @BeforeAll
    static void image() {
        Instances.openTempRoot(daemon);
        fingerprint = Instances.importImage(Instances.busyboxImage());
    }

    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
    }

    private static Path volume(String name) {
        return daemon.dataDir().resolve("storage-pools/default/containers/" + name);
    }

    private static Map<String, Object> fromImage(String name, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("name", name);
        body.put("source", Map.of("type", "image", "fingerprint", fingerprint));
        body.putAll(extra);
        return body;
    }

    @Test
    @Order(1)
    void badInputChangesNothing() {
        for (String bad : List.of("../x", "1abc", "a_b", "-a", "a-", "x".repeat(64))) {
            assertError(create(fromImage(bad, Map.of())), 400, "name");
        }
        assertError(create(fromImage("ita1", Map.of("config", Map.of("limits.bogus", "1")))), 400, "limits.bogus");
        assertError(create(fromImage("ita1", Map.of("config", Map.of("volatile.idmap.base", "0")))), 400, "volatile.idmap.base");
        assertError(create(fromImage("ita1", Map.of("config", Map.of("limits.processes", "many")))), 400, "limits.processes");
        assertError(create(fromImage("ita1", Map.of("profiles", List.of("default", "nope")))), 400, "nope");
        assertError(create(fromImage("ita1", Map.of("profiles", List.of()))), 400, "root");
        assertError(create(fromImage("ita1", Map.of("devices", Map.of("gpu0", Map.of("type", "gpu"))))), 400, "unsupported device type");
        assertError(create(fromImage("ita1", Map.of("devices", Map.of("eth0", Map.of("type", "nic"))))), 400, "a nic needs \"network\"");
        assertError(create(fromImage("ita1", Map.of("devices", Map.of("x", Map.of("path", "/x"))))), 400, "type");
        assertError(create(Map.of("name", "ita1", "source", Map.of("type", "image", "fingerprint", "0123abcd"))), 404, "Image not found");
        assertError(create(Map.of("name", "ita1", "source", Map.of("type", "copy"))), 400, "source");
        assertError(create(Map.of("name", "ita1", "source", Map.of("type", "migration"))), 400, "source.operation");
        assertError(create(Map.of("name", "ita1")), 400, "source");
        assertError(given().header(ContractFilter.invalidRequest()).contentType("application/json").body("{\"name\":\"ita1\",\"bogus\":1}")
                .when().post("/1.0/instances"), 400, "bogus");
        assertError(given().header(ContractFilter.invalidRequest()).contentType("application/json").body("{\"name\":")
                .when().post("/1.0/instances"), 400);
        assertEquals(List.of(), Instances.names());
        assertError(given().when().get("/1.0/instances/nope"), 404);
        assertError(action("nope", Map.of("action", "start")), 404);
        assertFalse(Files.exists(volume("ita1")));
    }

    @Test
    @Order(2)
    void createFromImageAndStartUnprivileged() throws Exception {
        JsonNode op = ok(create(fromImage("ita1", Map.of("start", true, "config", Map.of("user.note", "hi")))));
        assertEquals("/1.0/instances/ita1", op.get("resources").get("instances").get(0).asText());
        JsonNode c = instance("ita1");
        assertEquals("Running", c.get("status").asText());
        assertEquals(103, c.get("status_code").asInt());
        assertEquals(List.of("default"), List.of(c.get("profiles").get(0).asText()));
        assertEquals("disk", c.get("expanded_devices").get("root").get("type").asText());
        assertEquals(fingerprint, c.get("config").get("volatile.base_image").asText());
        assertEquals("1000000", c.get("config").get("volatile.idmap.base").asText());
        assertEquals("RUNNING", c.get("config").get("volatile.last_state.power").asText());
        assertTrue(c.get("config").has("image.os"), c::toString);
        assertEquals("hi", c.get("expanded_config").get("user.note").asText());
        JsonNode s = state("ita1");
        assertEquals("Running", s.get("status").asText());
        long pid = s.get("pid").asLong();
        assertTrue(pid > 0);
        assertTrue(s.get("processes").asLong() > 0, s::toString);
        assertTrue(s.get("memory").get("usage").asLong() > 0, s::toString);
        JsonNode lo = s.get("network").get("lo");
        assertTrue(lo != null, s::toString);
        assertEquals("loopback", lo.get("type").asText());
        assertEquals(65536, lo.get("mtu").asInt());
        // the image's rcS brings lo up a moment after start: its address shows up then
        long until = System.nanoTime() + 10_000_000_000L;
        while (!state("ita1").get("network").get("lo").get("addresses").toString().contains("\"127.0.0.1\"")
                && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertTrue(state("ita1").get("network").get("lo").get("addresses").toString().contains("\"127.0.0.1\""));
        assertEquals("up", state("ita1").get("network").get("lo").get("state").asText());
        assertEquals(1_000_000, Instances.uidOf(pid), "the container's init runs as host uid 1000000");
        assertTrue(Files.isDirectory(volume("ita1").resolve("rootfs/bin")));
        assertEquals(1_000_000, ((Number) Files.getAttribute(volume("ita1").resolve("rootfs/bin"), "unix:uid")).longValue());
        // listing
        Response l = given().queryParam("recursion", 2).when().get("/1.0/instances");
        assertEquals(200, l.statusCode(), l::asString);
        assertEquals("Running", json(l).get("metadata").get(0).get("state").get("status").asText());
        // filters (LXD syntax)
        Response f = given().queryParam("filter", "name eq ita1 and status eq Running").when().get("/1.0/instances");
        assertEquals("[\"/1.0/instances/ita1\"]", json(f).get("metadata").toString());
        f = given().queryParam("filter", "config.user.note eq 'hi' and not state.pid eq 0").queryParam("recursion", 1).when().get("/1.0/instances");
        assertEquals("ita1", json(f).get("metadata").get(0).get("name").asText());
        assertFalse(json(f).get("metadata").get(0).has("state"), "recursion=1 objects even when the filter needs the state");
        f = given().queryParam("filter", "status eq Stopped").when().get("/1.0/instances");
        assertEquals(0, json(f).get("metadata").size());
        assertError(given().queryParam("filter", "name gt 1").when().get("/1.0/instances"), 400, "operator");
        // duplicates
        assertError(create(fromImage("ita1", Map.of())), 409, "already exists");
    }

    @Test
    @Order(3)
    void wrongStateIsRefused() {
        assertError(action("ita1", Map.of("action", "start")), 400, "already running");
        assertError(action("ita1", Map.of("action", "unfreeze")), 400, "not frozen");
        assertError(action("ita1", Map.of("action", "jump")), 400, "jump");
        assertError(action("ita1", Map.of("action", "restart", "stateful", true)), 400, "stateful");
        assertError(given().when().delete("/1.0/instances/ita1"), 409, "running");
        assertError(given().contentType("application/json").body("{\"name\":\"ita9\"}").when().post("/1.0/instances/ita1"), 409, "running");
        assertEquals("Running", state("ita1").get("status").asText());
    }

    @Test
    @Order(4)
    void limitsApplyLiveAndEtagIsChecked() throws Exception {
        Response g = given().when().get("/1.0/instances/ita1");
        String etag = g.getHeader("ETag");
        assertError(given().header("If-Match", "nope").contentType("application/json")
                .body(toJson(Map.of("config", Map.of("limits.processes", "100")))).when().patch("/1.0/instances/ita1"), 412);
        assertError(given().contentType("application/json").body(toJson(Map.of("config", Map.of("volatile.idmap.base", "5"))))
                .when().patch("/1.0/instances/ita1"), 400, "volatile");
        assertError(given().contentType("application/json").body(toJson(Map.of("config", Map.of("nope.key", "5"))))
                .when().patch("/1.0/instances/ita1"), 400, "nope.key");
        assertEquals(etag, given().when().get("/1.0/instances/ita1").getHeader("ETag"), "refused changes change nothing");
        assertEquals(200, given().header("If-Match", etag).contentType("application/json")
                .body(toJson(Map.of("config", Map.of("limits.processes", "100", "limits.memory", "256MiB")))).when().patch("/1.0/instances/ita1")
                .statusCode());
        long pid = state("ita1").get("pid").asLong();
        assertEquals("100", Instances.cgroupFile(pid, "pids", "pids.max"));
        assertEquals(Long.toString(256L << 20), Instances.cgroupFile(pid, "memory", "memory.limit_in_bytes"));
        assertNotEquals(etag, given().when().get("/1.0/instances/ita1").getHeader("ETag"));
        // a live limit the kernel refuses (CPUs this host does not have) is a 400 with the reason, and nothing changes
        String before = given().when().get("/1.0/instances/ita1").getHeader("ETag");
        assertError(given().contentType("application/json").body(toJson(Map.of("config", Map.of("limits.cpu", "60-61"))))
                .when().patch("/1.0/instances/ita1"), 400, "cpuset");
        assertEquals(before, given().when().get("/1.0/instances/ita1").getHeader("ETag"), "the previous configuration stays");
        assertEquals("100", Instances.cgroupFile(pid, "pids", "pids.max"));
        // removing a limit lifts it at once
        assertEquals(200, given().contentType("application/json").body("{\"config\":{\"limits.processes\":\"\"}}")
                .when().patch("/1.0/instances/ita1").statusCode());
        assertEquals("max", Instances.cgroupFile(pid, "pids", "pids.max"));
        assertEquals(200, given().contentType("application/json").body(toJson(Map.of("config", Map.of("limits.processes", "100"))))
                .when().patch("/1.0/instances/ita1").statusCode());
        // a GET/PUT round trip with the volatile keys as they are is accepted
        JsonNode c = instance("ita1");
        Map<String, Object> put = Map.of("config", JSON.convertValue(c.get("config"), Map.class), "devices", Map.of(),
                "profiles", List.of("default"), "description", "round trip");
        ok(given().contentType("application/json").body(toJson(put)).when().put("/1.0/instances/ita1"));
        assertEquals("round trip", instance("ita1").get("description").asText());
    }

    @Test
    @Order(5)
    void freezeAndUnfreeze() throws Exception {
        try (EventStream lifecycle = EventStream.open(daemon.socket(), "type=lifecycle")) {
            ok(action("ita1", Map.of("action", "freeze")));
            JsonNode e = lifecycle.await(ev -> "instance-paused".equals(ev.path("metadata").path("action").asText()),
                    java.time.Duration.ofSeconds(10), "instance-paused event");
            assertEquals("/1.0/instances/ita1", e.get("metadata").get("source").asText());
            assertEquals("unix", e.get("metadata").get("requestor").get("protocol").asText());
            assertEquals("root", e.get("metadata").get("requestor").get("username").asText());
        }
        assertEquals("Frozen", state("ita1").get("status").asText());
        assertError(action("ita1", Map.of("action", "start")), 400, "frozen");
        assertError(action("ita1", Map.of("action", "freeze")), 400, "already frozen");
        ok(action("ita1", Map.of("action", "unfreeze")));
        assertEquals("Running", state("ita1").get("status").asText());
    }

    @Test
    @Order(6)
    void gracefulStopRestartAndForcedStop() {
        long t0 = System.nanoTime();
        ok(action("ita1", Map.of("action", "stop", "timeout", 30)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 10_000, "graceful stop took " + ms + " ms (busybox halts on SIGUSR1)");
        assertEquals("Stopped", state("ita1").get("status").asText());
        assertEquals(0, state("ita1").get("pid").asLong());
        assertEquals("STOPPED", instance("ita1").get("config").get("volatile.last_state.power").asText());
        assertError(action("ita1", Map.of("action", "stop")), 400, "not running");
        assertError(action("ita1", Map.of("action", "freeze")), 400, "not running");
        ok(action("ita1", Map.of("action", "start")));
        long pid = state("ita1").get("pid").asLong();
        ok(action("ita1", Map.of("action", "restart", "timeout", 30)));
        JsonNode s = state("ita1");
        assertEquals("Running", s.get("status").asText());
        assertNotEquals(pid, s.get("pid").asLong());
        ok(action("ita1", Map.of("action", "stop", "force", true)));
        assertEquals("Stopped", state("ita1").get("status").asText());
    }

    @Test
    @Order(7)
    void runningContainerSurvivesDaemonRestart() {
        ok(action("ita1", Map.of("action", "start")));
        long pid = state("ita1").get("pid").asLong();
        daemon.restart();
        useSocket(daemon);
        JsonNode s = state("ita1");
        assertEquals("Running", s.get("status").asText());
        assertEquals(pid, s.get("pid").asLong(), "the daemon neither stops nor restarts containers");
        ok(action("ita1", Map.of("action", "stop", "force", true)));
    }

    @Test
    @Order(8)
    void renameMovesEverything() {
        assertError(given().contentType("application/json").body("{\"name\":\"../x\"}").when().post("/1.0/instances/ita1"), 400, "name");
        ok(given().contentType("application/json").body("{\"name\":\"ita2\"}").when().post("/1.0/instances/ita1"));
        assertError(given().when().get("/1.0/instances/ita1"), 404);
        assertEquals("ita2", instance("ita2").get("name").asText());
        assertFalse(Files.exists(volume("ita1")));
        assertTrue(Files.isDirectory(volume("ita2").resolve("rootfs")));
        assertFalse(Files.exists(daemon.dataDir().resolve("containers/ita1")));
        ok(action("ita2", Map.of("action", "start")));
        assertEquals("Running", state("ita2").get("status").asText());
        ok(action("ita2", Map.of("action", "stop", "force", true)));
    }

    @Test
    @Order(9)
    void autostartAfterDaemonRestart() throws Exception {
        assertEquals(200, given().contentType("application/json").body(toJson(Map.of("config", Map.of("boot.autostart", "true"))))
                .when().patch("/1.0/instances/ita2").statusCode());
        daemon.restart();
        useSocket(daemon);
        String status = "";
        for (int i = 0; i < 100 && !status.equals("Running"); i++) {
            status = state("ita2").get("status").asText();
            Thread.sleep(100);
        }
        assertEquals("Running", status, "boot.autostart=true starts the instance when the daemon starts");
        ok(action("ita2", Map.of("action", "stop", "force", true)));
    }

    @Test
    @Order(10)
    void deleteRemovesEverything() {
        ok(given().when().delete("/1.0/instances/ita2"));
        assertError(given().when().get("/1.0/instances/ita2"), 404);
        assertFalse(Files.exists(volume("ita2")));
        assertFalse(Files.exists(daemon.dataDir().resolve("containers/ita2")));
        assertEquals(List.of(), Instances.names());
    }

    @Test
    @Order(11)
    void sourceNoneCannotStartWithoutInit() {
        ok(create(Map.of("name", "ita-empty", "source", Map.of("type", "none"))));
        assertEquals("Stopped", instance("ita-empty").get("status").asText());
        JsonNode op = Instances.await(action("ita-empty", Map.of("action", "start")));
        assertEquals("Failure", op.get("status").asText(), op::toString);
        assertFalse(op.get("err").asText().isEmpty());
        assertEquals("Stopped", state("ita-empty").get("status").asText());
        // start: true with no init fails the creation and reverts it
        JsonNode op2 = Instances.await(create(Map.of("name", "ita-empty2", "start", true, "source", Map.of("type", "none"))));
        assertEquals("Failure", op2.get("status").asText(), op2::toString);
        assertError(given().when().get("/1.0/instances/ita-empty2"), 404);
        assertFalse(Files.exists(volume("ita-empty2")));
        ok(given().when().delete("/1.0/instances/ita-empty"));
    }

    @Test
    @Order(12)
    void privilegedInstanceIsNotShifted() throws Exception {
        ok(create(fromImage("ita-priv", Map.of("start", true, "config", Map.of("security.privileged", "true")))));
        JsonNode c = instance("ita-priv");
        assertFalse(c.get("config").has("volatile.idmap.base"), c::toString);
        assertEquals(0, ((Number) Files.getAttribute(volume("ita-priv").resolve("rootfs/bin"), "unix:uid")).longValue());
        assertEquals(0, Instances.uidOf(state("ita-priv").get("pid").asLong()), "a privileged container's init is host root");
        assertError(given().contentType("application/json").body(toJson(Map.of("config", Map.of("security.privileged", ""))))
                .when().patch("/1.0/instances/ita-priv"), 400, "security.privileged");
        ok(action("ita-priv", Map.of("action", "stop", "force", true)));
        ok(given().when().delete("/1.0/instances/ita-priv"));
        assertFalse(Files.exists(volume("ita-priv")));
    }

    @Test
    @Order(13)
    void ephemeralInstanceIsDeletedWhenStopped() {
        ok(create(fromImage("ita-eph", Map.of("start", true, "ephemeral", true))));
        assertTrue(instance("ita-eph").get("ephemeral").asBoolean());
        ok(action("ita-eph", Map.of("action", "stop", "force", true)));
        assertError(given().when().get("/1.0/instances/ita-eph"), 404);
        assertFalse(Files.exists(volume("ita-eph")));
    }
}
