package io.jlxd.tests;

import static io.jlxd.tests.Trust.assertStatus;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Revoking a certificate cuts its client off at once: with an events websocket, an interactive exec and a console
 * open over HTTPS on a real busybox container, {@code DELETE /1.0/certificates/{fp}} closes all of them and the
 * client's next request is refused.
 */
class RevocationTest extends DaemonTestBase {
    static final String C = "rv1";
    static String image;

    @BeforeAll
    static void container() throws Exception {
        Instances.openTempRoot(daemon);
        Response up = given().contentType("application/octet-stream").body(Files.readAllBytes(Instances.busyboxImage()))
                .when().post("/1.0/images");
        image = Instances.ok(up).get("metadata").get("fingerprint").asText();
        Map<String, Object> source = Map.of("type", "image", "fingerprint", image);
        Instances.ok(Instances.create(Map.of("name", C, "source", source, "config", Map.of("migration.stateful", "false"))));
        Instances.ok(Instances.action(C, Map.of("action", "start")));
    }

    @AfterAll
    static void cleanUp() {
        Instances.cleanup(daemon);
        if (image != null) {
            try {
                Instances.await(given().when().delete("/1.0/images/" + image));
            } catch (Throwable ignored) {
                // the data directory goes away with the daemon
            }
        }
    }

    /** Starts a websocket operation over HTTPS and connects to its channels ("0" and "control"). */
    private static HttpsClient.Ws[] attach(HttpsClient c, String path, Map<String, Object> body) throws Exception {
        HttpsClient.Answer a = c.send("POST", path, toJson(body));
        assertStatus(202, a);
        JsonNode op = a.metadata();
        JsonNode fds = op.get("metadata").get("fds");
        String base = "/1.0/operations/" + op.get("id").asText() + "/websocket?secret=";
        return new HttpsClient.Ws[] {c.websocket(base + fds.get("0").asText()), c.websocket(base + fds.get("control").asText())};
    }

    @Test
    void revokingClosesEventsExecAndConsoleAndRefusesTheNextRequest() throws Exception {
        int port = Trust.enableHttps();
        ClientIdentity id = ClientIdentity.create("to-revoke");
        Trust.trust(id, "to-revoke", false, List.of());
        try (HttpsClient c = new HttpsClient(port, id)) {
            HttpsClient.Ws events = c.websocket("/1.0/events");
            HttpsClient.Ws[] exec = attach(c, "/1.0/instances/" + C + "/exec", Map.of("command", List.of("sh"),
                    "interactive", true, "wait-for-websocket", true, "width", 80, "height", 24));
            exec[0].socket().sendBinary(ByteBuffer.wrap("echo ex-$((40+2))\n".getBytes(StandardCharsets.UTF_8)), true);
            exec[0].await("ex-42", Duration.ofSeconds(30));
            HttpsClient.Ws[] console = attach(c, "/1.0/instances/" + C + "/console", Map.of("width", 80, "height", 24,
                    "type", "console"));
            console[0].socket().sendBinary(ByteBuffer.wrap("\necho co-$((6*7))\n".getBytes(StandardCharsets.UTF_8)), true);
            console[0].await("co-42", Duration.ofSeconds(30));
            events.drain();

            Trust.untrust(id);

            for (HttpsClient.Ws ws : List.of(events, exec[0], exec[1], console[0], console[1])) {
                String how = ws.closed.get(30, TimeUnit.SECONDS); // fails with a TimeoutException when still open
                assertTrue(how.contains("revoked"), "closed because of the revocation: " + how);
            }
            assertStatus(403, c.get("/1.0/instances"));
            assertEquals("untrusted", c.get("/1.0").metadata().get("auth").asText());
            assertStatus(403, c.send("POST", "/1.0/instances/" + C + "/exec", toJson(Map.of("command", List.of("true")))));
        }
        // The console is free again for trusted callers, and the container still runs.
        assertEquals("Running", json(given().when().get("/1.0/instances/" + C + "/state")).get("metadata").get("status").asText());
    }
}
