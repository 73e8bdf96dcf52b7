package io.jlxd.tests;

import static io.jlxd.tests.Instances.action;
import static io.jlxd.tests.Instances.await;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Stateful stop and start (CRIU) of a real unprivileged busybox container through the API and jlxc: a shell counting
 * in memory keeps its pid and its count across a stop, a daemon restart and a start; refusals; the report endpoint;
 * a saved state discarded by a config change, a stateless start or a delete; a failed restore keeping the state.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatefulStopTest extends DaemonTestBase {
    static final String C = "cr-bb";

    @BeforeAll
    static void launch() {
        Instances.openTempRoot(daemon);
        String fp = Instances.importImage(Instances.busyboxImage());
        ok(create(Map.of("name", C, "source", Map.of("type", "image", "fingerprint", fp), "start", true)));
    }

    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
    }

    static Path stateDir(String name) {
        return daemon.dataDir().resolve("storage-pools/default/containers/" + name + "/state");
    }

    /** Runs a shell script in the container through jlxc exec; its stdout. */
    static String sh(String name, String script) {
        Jlxc.Result r = Jlxc.run(daemon.dataDir(), "exec", name, "--", "sh", "-c", script);
        assertEquals(0, r.exitCode(), r::toString);
        return r.stdout().strip();
    }

    static Jlxc.Result jlxc(String... args) {
        return Jlxc.run(daemon.dataDir(), args);
    }

    /** Starts a shell counting in memory (its count and pid mirrored in /tmp); its pid in the container. */
    static String startCounter(String name) throws InterruptedException {
        sh(name, "setsid sh -c 'echo $$ >/tmp/pid; i=0; while true; do i=$((i+1)); echo $i >/tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.05; done' "
                + "</dev/null >/dev/null 2>&1 &");
        for (int i = 0; i < 100 && sh(name, "cat /tmp/count 2>/dev/null || echo 0").equals("0"); i++) {
            Thread.sleep(20);
        }
        return sh(name, "cat /tmp/pid");
    }

    static long count(String name) {
        return Long.parseLong(sh(name, "cat /tmp/count"));
    }

    static JsonNode report(String name, String query) {
        Response r = given().when().get("/1.0/instances/" + name + "/checkpoint" + query);
        assertEquals(200, r.statusCode(), r::asString);
        return Instances.json(r).get("metadata");
    }

    @Test
    @Order(1)
    void reportOfARunningBusyboxContainer() throws Exception {
        startCounter(C);
        JsonNode rep = report(C, "");
        assertTrue(rep.get("checkpointable").asBoolean(), rep::toString);
        assertFalse(rep.get("probed").asBoolean());
        assertEquals(0, rep.get("blockers").size());
        long pid = state(C).get("pid").asLong();
        JsonNode probed = report(C, "?probe=true");
        assertTrue(probed.get("checkpointable").asBoolean(), probed::toString);
        assertTrue(probed.get("probed").asBoolean());
        assertEquals("Running", state(C).get("status").asText());
        assertEquals(pid, state(C).get("pid").asLong());
        long a = count(C);
        Thread.sleep(200);
        assertTrue(count(C) > a, "the probe left the container running");
        assertFalse(Files.exists(daemon.dataDir().resolve("storage-pools/default/containers/" + C + "/.checkpoint-probe")));
        Jlxc.Result cli = jlxc("info", C, "--checkpoint", "--probe");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertTrue(cli.stdout().contains("Checkpointable: yes (trial dump made)"), cli.stdout());
        assertError(given().header(ContractFilter.invalidRequest()).when().get("/1.0/instances/" + C + "/checkpoint?probe=maybe"), 400, "probe");
        assertError(given().when().get("/1.0/instances/cr-nope/checkpoint"), 404);
    }

    @Test
    @Order(2)
    void wrongStatesAreRefused() {
        assertError(action(C, Map.of("action", "restart", "stateful", true)), 400, "stateful");
        assertError(action(C, Map.of("action", "freeze", "stateful", true)), 400, "stateful");
        ok(action(C, Map.of("action", "freeze")));
        assertError(action(C, Map.of("action", "stop", "stateful", true)), 400, "frozen");
        JsonNode rep = report(C, "?probe=true");
        assertFalse(rep.get("checkpointable").asBoolean());
        assertFalse(rep.get("probed").asBoolean());
        assertTrue(rep.get("blockers").get(0).get("reason").asText().contains("frozen"), rep::toString);
        ok(action(C, Map.of("action", "unfreeze")));
        assertEquals("Running", state(C).get("status").asText());
        assertFalse(instance(C).get("stateful").asBoolean());
    }

    @Test
    @Order(2)
    void whatOnlyCriuRefusesFailsTheOperationAndTheContainerRunsOn() throws Exception {
        // a ramfs mount inside: nothing the static checks know about, CRIU has no dumper for its content
        sh(C, "mkdir -p /tmp/ram && mount -t ramfs none /tmp/ram && echo data >/tmp/ram/x");
        try {
            long pid = state(C).get("pid").asLong();
            JsonNode rep = report(C, "?probe=true");
            assertFalse(rep.get("checkpointable").asBoolean(), rep::toString);
            assertTrue(rep.get("probed").asBoolean());
            assertTrue(rep.get("blockers").get(0).get("reason").asText().contains("criu:"), rep::toString);
            JsonNode op = await(action(C, Map.of("action", "stop", "stateful", true)));
            assertEquals("Failure", op.get("status").asText(), op::toString);
            assertTrue(op.get("err").asText().contains("keeps running") && op.get("err").asText().contains("criu:"), op::toString);
            assertEquals("Running", state(C).get("status").asText());
            assertEquals(pid, state(C).get("pid").asLong());
            assertFalse(instance(C).get("stateful").asBoolean());
            assertFalse(Files.exists(stateDir(C)));
            long a = count(C);
            Thread.sleep(200);
            assertTrue(count(C) > a, "the container's processes run on");
        } finally {
            sh(C, "umount /tmp/ram");
        }
    }

    @Test
    @Order(3)
    void statefulStopKeepsMemoryAcrossDaemonRestart() throws Exception {
        String pid = sh(C, "cat /tmp/pid");
        long before = count(C);
        long t0 = System.nanoTime();
        Jlxc.Result stop = jlxc("stop", C, "--stateful");
        System.out.printf("TIMING jlxc stop --stateful busybox: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(0, stop.exitCode(), stop::toString);
        JsonNode inst = instance(C);
        assertEquals("Stopped", inst.get("status").asText());
        assertTrue(inst.get("stateful").asBoolean());
        assertTrue(Files.isRegularFile(stateDir(C).resolve("inventory.img")));
        assertTrue(jlxc("info", C).stdout().contains("Stateful: yes"));
        assertError(action(C, Map.of("action", "stop", "stateful", true)), 400, "not running");
        JsonNode rep = report(C, "");
        assertFalse(rep.get("checkpointable").asBoolean());
        assertEquals(1, jlxc("info", C, "--checkpoint").exitCode());

        daemon.restart();
        useSocket(daemon);
        assertTrue(instance(C).get("stateful").asBoolean(), "the saved state survives a daemon restart");
        assertEquals("Stopped", instance(C).get("status").asText());

        long t1 = System.nanoTime();
        Jlxc.Result start = jlxc("start", C);
        System.out.printf("TIMING jlxc start (restore) busybox: %d ms%n", (System.nanoTime() - t1) / 1_000_000);
        assertEquals(0, start.exitCode(), start::toString);
        assertEquals("Running", state(C).get("status").asText());
        assertFalse(instance(C).get("stateful").asBoolean());
        assertFalse(Files.exists(stateDir(C)), "the state is removed after a restore");
        assertEquals(pid, sh(C, "cat /tmp/pid"));
        assertEquals("0", sh(C, "kill -0 " + pid + "; echo $?"), "the counting shell is alive");
        Thread.sleep(200);
        long after = count(C);
        assertTrue(after > before, "count went on from memory: " + after + " > " + before);
        // a restored container stops like any other
        ok(action(C, Map.of("action", "stop", "force", true)));
        ok(action(C, Map.of("action", "start")));
        assertNotEquals("0", sh(C, "kill -0 " + pid + " 2>/dev/null; echo $?"), "a plain start boots afresh");
    }

    @Test
    @Order(4)
    void aConfigChangeOrAStatelessStartDiscardsTheState() throws Exception {
        startCounter(C);
        ok(action(C, Map.of("action", "stop", "stateful", true)));
        assertTrue(instance(C).get("stateful").asBoolean());
        // a limit does not invalidate the state
        Response patch = given().contentType("application/json").body("{\"config\":{\"limits.processes\":\"500\"}}")
                .when().patch("/1.0/instances/" + C);
        assertEquals(200, patch.statusCode(), patch::asString);
        assertTrue(instance(C).get("stateful").asBoolean());
        // an environment variable does
        patch = given().contentType("application/json").body("{\"config\":{\"environment.FOO\":\"bar\"}}").when().patch("/1.0/instances/" + C);
        assertEquals(200, patch.statusCode(), patch::asString);
        assertFalse(instance(C).get("stateful").asBoolean());
        assertFalse(Files.exists(stateDir(C)));
        assertError(action(C, Map.of("action", "start", "stateful", true)), 400, "no saved state");
        ok(action(C, Map.of("action", "start")));

        String pid = startCounter(C);
        ok(action(C, Map.of("action", "stop", "stateful", true)));
        Jlxc.Result stateless = jlxc("start", C, "--stateless");
        assertEquals(0, stateless.exitCode(), stateless::toString);
        assertFalse(instance(C).get("stateful").asBoolean());
        assertFalse(Files.exists(stateDir(C)));
        assertNotEquals("0", sh(C, "kill -0 " + pid + " 2>/dev/null; echo $?"), "booted afresh");
    }

    @Test
    @Order(5)
    void aRenamedInstanceRestoresUnderItsNewName() throws Exception {
        String pid = startCounter(C);
        long before = count(C);
        ok(action(C, Map.of("action", "stop", "stateful", true)));
        String renamed = C + "2";
        ok(given().contentType("application/json").body("{\"name\":\"" + renamed + "\"}").when().post("/1.0/instances/" + C));
        assertTrue(instance(renamed).get("stateful").asBoolean());
        assertTrue(Files.isRegularFile(stateDir(renamed).resolve("inventory.img")));
        ok(action(renamed, Map.of("action", "start")));
        assertEquals(pid, sh(renamed, "cat /tmp/pid"));
        assertTrue(count(renamed) > before);
        // in the new name's cgroups (CRIU's cgroup-root is the destination name)
        long init = state(renamed).get("pid").asLong();
        assertTrue(Files.readString(Path.of("/proc/" + init + "/cgroup")).contains("/" + renamed + "\n"),
                () -> "cgroups of the restored init");
        ok(action(renamed, Map.of("action", "stop", "force", true)));
        ok(given().contentType("application/json").body("{\"name\":\"" + C + "\"}").when().post("/1.0/instances/" + renamed));
        ok(action(C, Map.of("action", "start")));
    }

    @Test
    @Order(6)
    void failedRestoreKeepsTheStateAndTheInstanceStopped() throws Exception {
        startCounter(C);
        ok(action(C, Map.of("action", "stop", "stateful", true)));
        try (var s = Files.list(stateDir(C))) {
            for (Path f : s.filter(x -> x.getFileName().toString().startsWith("core-")).toList()) {
                Files.delete(f);
            }
        }
        JsonNode op = await(action(C, Map.of("action", "start")));
        assertEquals("Failure", op.get("status").asText(), op::toString);
        assertTrue(op.get("err").asText().contains("state is kept"), op::toString);
        assertTrue(op.get("err").asText().contains("criu:"), op::toString);
        assertEquals("Stopped", instance(C).get("status").asText());
        assertTrue(instance(C).get("stateful").asBoolean());
        assertTrue(Files.isRegularFile(stateDir(C).resolve("inventory.img")));
        ok(action(C, Map.of("action", "start", "stateful", false)));
        assertEquals("Running", state(C).get("status").asText());
        assertFalse(instance(C).get("stateful").asBoolean());
    }

    @Test
    @Order(7)
    void deleteRemovesTheState() throws Exception {
        ok(action(C, Map.of("action", "stop", "stateful", true)));
        assertTrue(Files.exists(stateDir(C)));
        ok(given().when().delete("/1.0/instances/" + C));
        assertFalse(Files.exists(stateDir(C).getParent()));
    }
}
