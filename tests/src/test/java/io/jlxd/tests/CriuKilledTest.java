package io.jlxd.tests;

import static io.jlxd.tests.Instances.await;
import static io.jlxd.tests.Instances.create;
import static io.jlxd.tests.Instances.ok;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * CRIU killed (SIGKILL) in the middle of the dump of a stateful stop: the operation fails with the reason, the
 * container runs on (same init, not frozen), no half-written state is kept and the instance is not marked stateful,
 * and a plain stop and start still work.
 */
class CriuKilledTest extends DaemonTestBase {
    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
    }

    @Test
    void aDumpWhoseCriuIsKilledFailsAndTheContainerRunsOn() throws Exception {
        daemon.allowWarnings("operation .* failed", "criu", "CRIU", "checkpoint");
        Instances.openTempRoot(daemon);
        String fp = Instances.importImage(Instances.busyboxImage());
        ok(create(Map.of("name", "ck", "source", Map.of("type", "image", "fingerprint", fp), "start", true)));
        HostState host = new HostState(daemon.dataDir());
        // the dump of a busybox container takes ~0.2 s: watch /proc for criu and kill it; when a dump ends before it was
        // seen, the stateful start restores the container and the next round tries again
        io.restassured.response.Response accepted = null;
        long criu = -1;
        long pid = -1;
        for (int attempt = 0; attempt < 20 && criu < 0; attempt++) {
            pid = Instances.state("ck").get("pid").asLong();
            accepted = Instances.action("ck", Map.of("action", "stop", "stateful", true));
            String op = json(accepted).get("operation").asText();
            for (int spin = 1; criu < 0; spin++) {
                for (var e : host.processes().entrySet()) {
                    if (e.getValue().contains("criu") && e.getValue().contains(" dump")) {
                        criu = e.getKey();
                    }
                }
                if (criu < 0 && spin % 10 == 0 && !"Running".equals(json(given().when().get(op)).get("metadata").get("status").asText())) {
                    break;
                }
            }
            if (criu < 0) {
                await(accepted);
                ok(Instances.action("ck", Map.of("action", "start")));
            }
        }
        assertTrue(criu > 0, "criu dump seen");
        HostState.run("kill", "-KILL", Long.toString(criu));

        JsonNode op = await(accepted);
        assertEquals("Failure", op.get("status").asText(), op::toString);
        assertFalse(op.get("err").asText().isBlank(), op::toString);
        JsonNode st = Instances.state("ck");
        assertEquals("Running", st.get("status").asText(), "not stopped, not frozen: " + st);
        assertEquals(pid, st.get("pid").asLong(), "the same init");
        assertFalse(Instances.instance("ck").get("stateful").asBoolean(), "no saved state claimed");
        assertFalse(Files.exists(daemon.dataDir().resolve("storage-pools/default/containers/ck/state")), "no half-written state kept");
        assertTrue(host.strayProcesses(daemon.pid()).isEmpty(), host.strayProcesses(daemon.pid()).toString());
        ok(Instances.action("ck", Map.of("action", "stop", "force", true)));
        ok(Instances.action("ck", Map.of("action", "start")));
        assertEquals("Running", Instances.state("ck").get("status").asText());
    }

    private static void waitFor(java.util.function.BooleanSupplier c, String what) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            JlxdDaemon.sleep(100);
        }
    }
}
