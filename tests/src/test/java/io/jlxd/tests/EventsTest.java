package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** /1.0/events over the Unix socket: operation events for a token's creation and cancellation, and type filters. */
class EventsTest extends DaemonTestBase {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static boolean isOp(JsonNode e, String id, String status) {
        return "operation".equals(e.path("type").asText())
                && id.equals(e.path("metadata").path("id").asText())
                && status.equals(e.path("metadata").path("status").asText());
    }

    @Test
    void operationEventsForATokenAndTypeFilters() throws Exception {
        String serverName = server().get("environment").get("server_name").asText();
        try (EventStream ops = EventStream.open(daemon.socket(), "type=operation");
             EventStream lifecycle = EventStream.open(daemon.socket(), "type=lifecycle");
             EventStream all = EventStream.open(daemon.socket(), null)) {

            String id = Tokens.create("events-t1").get("id").asText();
            JsonNode created = ops.await(e -> isOp(e, id, "Running"), WAIT, "operation " + id + " Running");
            assertEquals(serverName, created.get("location").asText());
            assertEquals("", created.get("project").asText());
            OffsetDateTime ts = OffsetDateTime.parse(created.get("timestamp").asText());
            assertTrue(Math.abs(Duration.between(ts, OffsetDateTime.now()).toSeconds()) < 60, "timestamp is now");
            assertEquals("token", created.get("metadata").get("class").asText());

            assertEquals(200, Tokens.cancel(id).statusCode());
            JsonNode cancelled = ops.await(e -> isOp(e, id, "Cancelled"), WAIT, "operation " + id + " Cancelled");
            assertEquals(401, cancelled.get("metadata").get("status_code").asInt());

            // No type = every type: the same operation events arrive there too.
            all.await(e -> isOp(e, id, "Running"), WAIT, "operation " + id + " Running (no filter)");
            all.await(e -> isOp(e, id, "Cancelled"), WAIT, "operation " + id + " Cancelled (no filter)");

            // Filters hold: only operation events on one stream, no operation event on the lifecycle one.
            for (JsonNode e : ops.received()) {
                assertEquals("operation", e.get("type").asText(), "type=operation delivered " + e);
            }
            List<JsonNode> lc = lifecycle.receivedAfter(Duration.ofMillis(500));
            for (JsonNode e : lc) {
                assertEquals("lifecycle", e.get("type").asText(), "type=lifecycle delivered " + e);
            }
            assertTrue(lc.stream().noneMatch(e -> id.equals(e.path("metadata").path("id").asText())),
                    "the lifecycle stream got the operation: " + lc);
        }
    }

    @Test
    void eventsStreamStaysOpenWhileIdle() throws Exception {
        try (EventStream s = EventStream.open(daemon.socket(), "type=operation")) {
            s.receivedAfter(Duration.ofSeconds(2));
            assertEquals(null, s.endReason(), "the server closed an idle events stream");
            String id = Tokens.create("idle").get("id").asText();
            s.await(e -> isOp(e, id, "Running"), WAIT, "operation " + id + " after idling");
            assertEquals(200, Tokens.cancel(id).statusCode());
        }
    }
}
