package io.jlxd.tests;

import static io.jlxd.tests.Instances.action;
import static io.jlxd.tests.Instances.create;
import static io.jlxd.tests.Instances.ok;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /1.0/metrics against real containers: LXD's instance metrics for a running busybox container (cpu, memory,
 * processes, network, root file system), jlxd's instances-by-status (a stopped one counted), pool sizes, finished
 * operations, CRIU durations after a stateful stop/start; the whole body in Prometheus's text format.
 */
class MetricsApiTest extends DaemonTestBase {
    private static final Pattern SAMPLE = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\")*\\})? -?([0-9.eE+-]+|NaN|[+-]Inf)");

    @BeforeAll
    static void launch() {
        Instances.openTempRoot(daemon);
        String fp = Instances.importImage(Instances.busyboxImage());
        ok(create(Map.of("name", "mt-run", "source", Map.of("type", "image", "fingerprint", fp), "start", true)));
        ok(create(Map.of("name", "mt-stopped", "source", Map.of("type", "image", "fingerprint", fp))));
    }

    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
    }

    static String metrics() {
        Response r = given().when().get("/1.0/metrics");
        assertEquals(200, r.statusCode(), r::asString);
        assertTrue(r.contentType().startsWith("text/plain; version=0.0.4"), r.contentType());
        return r.asString();
    }

    /** The value of the first sample of {@code name} whose labels contain every {@code label="value"} given. */
    static Optional<Double> value(String text, String name, String... labels) {
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l);
            }
            if (all) {
                return Optional.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return Optional.empty();
    }

    @Test
    void instanceAndDaemonMetricsInPrometheusFormat() {
        String text = metrics();
        for (String line : text.split("\n")) {
            assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ") || SAMPLE.matcher(line).matches(), "not a sample: " + line);
        }
        String me = "name=\"mt-run\"";
        assertTrue(value(text, "lxd_cpu_seconds_total", me, "mode=\"user\"").isPresent(), text);
        assertTrue(value(text, "lxd_procs_total", me).orElseThrow() >= 1, "init at least");
        assertTrue(value(text, "lxd_memory_MemTotal_bytes", me).orElseThrow() > 0);
        assertTrue(value(text, "lxd_memory_RSS_bytes", me).isPresent());
        assertTrue(value(text, "lxd_network_receive_bytes_total", me, "device=\"lo\"").isPresent(), "the container's own lo");
        assertTrue(value(text, "lxd_filesystem_size_bytes", me, "device=\"root\"").orElseThrow() > 0);
        assertTrue(value(text, "lxd_cpu_seconds_total", "name=\"mt-stopped\"").isEmpty(), "no usage for a stopped instance");
        assertEquals(1.0, value(text, "jlxd_instances", "status=\"running\"").orElseThrow());
        assertEquals(1.0, value(text, "jlxd_instances", "status=\"stopped\"").orElseThrow());
        assertTrue(value(text, "jlxd_storage_pool_size_bytes", "pool=\"default\"").orElseThrow() > 0);
        assertEquals(2.0, value(text, "jlxd_operations_finished_total", "type=\"Creating instance\"", "result=\"success\"").orElseThrow());
        assertTrue(value(text, "jlxd_open_fds").orElseThrow() > 0);
        assertTrue(value(text, "lxd_uptime_seconds").orElseThrow() > 0);
        // the counters move: the container's lo traffic and cpu time grow with work inside
        double lo = value(text, "lxd_network_transmit_packets_total", me, "device=\"lo\"").orElseThrow();
        Jlxc.Result ping = Jlxc.run(daemon.dataDir(), "exec", "mt-run", "--", "sh", "-c", "ifconfig lo up; ping -c 3 -W 1 127.0.0.1 >/dev/null");
        assertEquals(0, ping.exitCode(), ping::toString);
        assertTrue(value(metrics(), "lxd_network_transmit_packets_total", me, "device=\"lo\"").orElseThrow() >= lo + 3);
    }

    @Test
    void criuDurationsAfterAStatefulStopAndStart() {
        ok(action("mt-run", Map.of("action", "stop", "stateful", true)));
        ok(action("mt-run", Map.of("action", "start")));
        String text = metrics();
        assertTrue(value(text, "jlxd_criu_duration_seconds_count", "action=\"dump\"", "result=\"success\"").orElseThrow() >= 1, text);
        assertTrue(value(text, "jlxd_criu_duration_seconds_count", "action=\"restore\"", "result=\"success\"").orElseThrow() >= 1);
        assertTrue(value(text, "jlxd_criu_duration_seconds_sum", "action=\"dump\"").orElseThrow() > 0);
        assertTrue(value(text, "jlxd_operation_duration_seconds_count", "type=\"Stopping instance\"", "result=\"success\"").orElseThrow() >= 1);
        assertTrue(value(text, "jlxd_operation_duration_seconds_sum", "type=\"Starting instance\"", "result=\"success\"").orElseThrow() > 0);
    }
}
