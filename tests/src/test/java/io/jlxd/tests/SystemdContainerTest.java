package io.jlxd.tests;

import static io.jlxd.tests.Instances.action;
import static io.jlxd.tests.Instances.create;
import static io.jlxd.tests.Instances.instance;
import static io.jlxd.tests.Instances.ok;
import static io.jlxd.tests.Instances.state;
import static io.jlxd.tests.ServerConfigApiTest.assertError;
import static io.jlxd.tests.StatefulStopTest.report;
import static io.jlxd.tests.StatefulStopTest.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Debian bookworm with systemd as init, unprivileged: boot to "running", graceful stop through SIGRTMIN+3, stateful
 * stop/start keeping a process's memory with systemd still running and able to start units afterwards; and the
 * same image with systemd's per-service sandboxing back on, which is reported and refused (the container keeps
 * running).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemdContainerTest extends DaemonTestBase {
    static final String C = "cr-deb";
    static final String SANDBOXED = "cr-deb-sbx";
    static final String DROPIN = "/etc/systemd/system/service.d/10-jlxd-criu-friendly.conf";
    private static String fingerprint;

    @BeforeAll
    static void image() {
        Instances.openTempRoot(daemon);
        fingerprint = Instances.importImage(Instances.image("debian/bookworm"));
    }

    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
    }

    static void launch(String name) {
        ok(create(Map.of("name", name, "source", Map.of("type", "image", "fingerprint", fingerprint), "start", true)));
    }

    /** {@code systemctl is-system-running --wait}: "running" (failed units, if any, listed in the message). */
    static void assertSystemRunning(String name) {
        Jlxc.Result r = Jlxc.run(daemon.dataDir(), "exec", name, "--", "systemctl", "is-system-running", "--wait");
        assertEquals("running", r.stdout().strip(), () -> r + "\nfailed units: "
                + Jlxc.run(daemon.dataDir(), "exec", name, "--", "systemctl", "--failed", "--no-legend").stdout());
    }

    @Test
    @Order(1)
    void bootsToRunningAndStopsGracefully() {
        long t0 = System.nanoTime();
        launch(C);
        assertSystemRunning(C);
        System.out.printf("TIMING Debian launch until systemd running: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals("systemd", sh(C, "cat /proc/1/comm"));
        long t1 = System.nanoTime();
        ok(action(C, Map.of("action", "stop", "timeout", 30)));
        long ms = (System.nanoTime() - t1) / 1_000_000;
        System.out.printf("TIMING Debian graceful stop: %d ms%n", ms);
        assertTrue(ms < 20_000, "systemd halted on SIGRTMIN+3 (took " + ms + " ms, the kill comes at 30 s)");
        assertEquals("Stopped", state(C).get("status").asText());
        ok(action(C, Map.of("action", "start")));
        assertSystemRunning(C);
    }

    @Test
    @Order(2)
    void statefulStopAndStartKeepMemoryAndSystemd() throws Exception {
        JsonNode rep = report(C, "?probe=true");
        assertTrue(rep.get("checkpointable").asBoolean(), rep::toString);
        String pid = sh(C, "setsid bash -c 'echo $$ >/tmp/pid; i=0; while true; do i=$((i+1)); echo $i >/tmp/count.new; "
                + "mv /tmp/count.new /tmp/count; sleep 0.05; done' </dev/null >/dev/null 2>&1 & sleep 0.3; cat /tmp/pid");
        long before = Long.parseLong(sh(C, "cat /tmp/count"));
        long t0 = System.nanoTime();
        ok(action(C, Map.of("action", "stop", "stateful", true)));
        System.out.printf("TIMING Debian stateful stop: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertTrue(instance(C).get("stateful").asBoolean());
        long t1 = System.nanoTime();
        ok(action(C, Map.of("action", "start")));
        System.out.printf("TIMING Debian stateful start (restore): %d ms%n", (System.nanoTime() - t1) / 1_000_000);
        assertFalse(instance(C).get("stateful").asBoolean());
        assertEquals(pid, sh(C, "cat /tmp/pid"));
        Thread.sleep(200);
        long after = Long.parseLong(sh(C, "cat /tmp/count"));
        assertTrue(after > before, after + " > " + before);
        assertSystemRunning(C);
        // systemd can still create cgroups and start units (cgroup2 files given back to the container's root)
        sh(C, "systemd-run --unit=cr-after-restore sleep 300");
        assertEquals("active", sh(C, "systemctl is-active cr-after-restore"));
        sh(C, "systemctl restart systemd-journald && systemctl is-active systemd-journald");
        // and it stops gracefully after a restore too
        ok(action(C, Map.of("action", "stop", "timeout", 30)));
        assertEquals("Stopped", state(C).get("status").asText());
    }

    @Test
    @Order(3)
    void sandboxedServicesAreReportedAndRefused() {
        launch(SANDBOXED);
        assertSystemRunning(SANDBOXED);
        sh(SANDBOXED, "rm " + DROPIN);
        ok(action(SANDBOXED, Map.of("action", "restart", "timeout", 30)));
        assertSystemRunning(SANDBOXED);
        JsonNode rep = report(SANDBOXED, "");
        assertFalse(rep.get("checkpointable").asBoolean());
        String reason = rep.get("blockers").get(0).get("reason").asText();
        assertTrue(reason.contains("sandboxing") && reason.contains("PrivateTmp"), rep::toString);
        assertTrue(rep.get("blockers").get(0).get("hint").asText().contains("criu-friendly"), rep::toString);
        long pid = state(SANDBOXED).get("pid").asLong();
        assertError(action(SANDBOXED, Map.of("action", "stop", "stateful", true)), 400, "cannot be checkpointed", "sandboxing");
        assertEquals("Running", state(SANDBOXED).get("status").asText());
        assertEquals(pid, state(SANDBOXED).get("pid").asLong());
        assertFalse(instance(SANDBOXED).get("stateful").asBoolean());
        Jlxc.Result cli = Jlxc.run(daemon.dataDir(), "stop", SANDBOXED, "--stateful");
        assertTrue(cli.exitCode() != 0 && cli.stderr().contains("sandboxing"), cli::toString);
        assertSystemRunning(SANDBOXED);
    }
}
