package io.jlxd.tests;

import static io.jlxd.tests.Instances.create;
import static io.jlxd.tests.Instances.ok;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The snapshot scheduler for real: a seconds cron (the jlxd extension) fires scheduled snapshots of a stopped instance
 * with snapshots.schedule.stopped, never twice for one slot (across a daemon restart too), and snapshots.retention
 * prunes exactly the scheduled snapshots it does not keep, leaving manual ones alone.
 */
class SnapshotScheduleTest extends DaemonTestBase {
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

    private static List<JsonNode> snapshots(String name) {
        List<JsonNode> out = new ArrayList<>();
        given().queryParam("recursion", 1).when().get("/1.0/instances/" + name + "/snapshots").then().extract().response()
                .then().statusCode(200);
        Instances.json(given().queryParam("recursion", 1).when().get("/1.0/instances/" + name + "/snapshots")).get("metadata").forEach(out::add);
        return out;
    }

    @Test
    void firesPrunesAndSurvivesRestarts() throws Exception {
        ok(create(Map.of("name", "sn-s", "source", Map.of("type", "image", "fingerprint", fingerprint))));
        ok(create(Map.of("name", "sn-t", "source", Map.of("type", "image", "fingerprint", fingerprint),
                "config", Map.of("snapshots.schedule", "* * * * * *"))));
        String manual = Snapshots.take("sn-s", Map.of("name", "manual"));
        assertEquals(200, Snapshots.patchConfig("sn-s", Map.of("snapshots.schedule", "*/2 * * * * *", "snapshots.schedule.stopped", "true",
                "snapshots.pattern", "auto%d", "snapshots.retention", "last=3")).statusCode());

        Thread.sleep(11_000);
        List<JsonNode> snaps = snapshots("sn-s");
        List<String> names = new ArrayList<>();
        snaps.forEach(s -> names.add(s.get("name").asText()));
        assertTrue(names.contains(manual), "retention leaves manual snapshots alone: " + names);
        assertEquals(4, names.size(), "manual + the 3 newest scheduled: " + names);
        // numbered in order: auto0, auto1... the pruned ones are the oldest
        int first = Integer.parseInt(names.get(1).substring(4));
        assertTrue(first >= 1, "older ones were pruned: " + names);
        assertEquals(List.of(manual, "auto" + first, "auto" + (first + 1), "auto" + (first + 2)), names);
        Set<Long> seconds = new HashSet<>();
        for (JsonNode s : snaps.subList(1, 4)) {
            long t = OffsetDateTime.parse(s.get("created_at").asText()).toEpochSecond();
            assertTrue(seconds.add(t / 2), "one snapshot per 2 s slot: " + snaps);
        }
        assertEquals(List.of(), Snapshots.names("sn-t"), "a stopped instance without snapshots.schedule.stopped is skipped");

        // Restart: the scheduler goes on with the next number and never repeats a slot.
        daemon.restart();
        useSocket(daemon);
        Thread.sleep(5_000);
        List<String> after = new ArrayList<>();
        snapshots("sn-s").forEach(s -> after.add(s.get("name").asText()));
        assertEquals(4, after.size(), after.toString());
        int firstAfter = Integer.parseInt(after.get(1).substring(4));
        assertTrue(firstAfter > first, "new scheduled snapshots after the restart: " + names + " then " + after);
        Set<Long> slots = new HashSet<>();
        for (JsonNode s : snapshots("sn-s").subList(1, 4)) {
            assertTrue(slots.add(OffsetDateTime.parse(s.get("created_at").asText()).toEpochSecond() / 2), "a slot fired twice");
        }

        // Turning the schedule off stops it.
        assertEquals(200, Snapshots.patchConfig("sn-s", Map.of("snapshots.schedule", "")).statusCode());
        Thread.sleep(1_500);
        List<String> frozen = Snapshots.names("sn-s");
        Thread.sleep(3_000);
        assertEquals(frozen, Snapshots.names("sn-s"));
    }
}
