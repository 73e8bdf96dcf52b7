package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code core.metrics_address}: LXD's separate HTTPS metrics server. It serves {@code /}, {@code GET /1.0} and
 * {@code /1.0/metrics} with the same trust (a trusted client or a metrics certificate scrapes, an unknown one gets 403)
 * and nothing else (404 in LXD's envelope), starts, moves and stops with the key, survives a restart, and an address
 * it cannot bind is a 400 that changes nothing.
 */
class MetricsAddressTest extends DaemonTestBase {
    @Test
    void aSeparateListenerServesOnlyMetrics() throws Exception {
        daemon.allowWarnings("Failed to start listener: /127.0.0.1:", "Helidon WebServer failed to start"); // the busy port below
        ClientIdentity admin = ClientIdentity.create("admin");
        Trust.trust(admin, "admin", false, List.of());
        ClientIdentity scraper = ClientIdentity.create("scraper");
        assertEquals(200, given().contentType("application/json").body(toJson(Map.of("name", "scraper", "type", "metrics",
                "certificate", scraper.pem()))).when().post("/1.0/certificates").statusCode());
        ClientIdentity stranger = ClientIdentity.create("stranger");

        int port = HttpsListenerTest.freePort();
        Trust.setConfig("core.metrics_address", "127.0.0.1:" + port);
        assertEquals("127.0.0.1:" + port, serverConfig().get("core.metrics_address"));
        try (HttpsClient a = new HttpsClient(port, admin); HttpsClient m = new HttpsClient(port, scraper);
             HttpsClient s = new HttpsClient(port, stranger)) {
            HttpsClient.Answer text = m.get("/1.0/metrics");
            assertEquals(200, text.status(), text::toString);
            assertTrue(text.body().contains("jlxd_instances"), text.body());
            assertEquals(200, a.get("/1.0/metrics").status());
            HttpsClient.Answer refused = s.get("/1.0/metrics");
            assertEquals(403, refused.status(), refused::toString);
            assertEquals("error", refused.json().get("type").asText());
            assertEquals("[\"/1.0\"]", a.get("/").metadata().toString());
            assertEquals(200, a.get("/1.0").status());
            for (String path : List.of("/1.0/instances", "/1.0/certificates", "/1.0/events", "/1.0/operations")) {
                HttpsClient.Answer r = a.get(path);
                assertEquals(404, r.status(), path + ": " + r);
                assertEquals(404, r.json().get("error_code").asInt(), r::toString);
            }
            HttpsClient.Answer patch = a.send("PATCH", "/1.0", toJson(Map.of("config", Map.of("user.x", "1"))));
            assertTrue(patch.status() == 404 || patch.status() == 405, patch::toString);
            assertFalse(serverConfig().containsKey("user.x"), "nothing changed through the metrics listener");
        }
        assertTrue(server().get("environment").toString().length() > 0);

        // the listener is not the API's: core.https_address stays unset, and no API over the metrics port
        assertFalse(serverConfig().containsKey("core.https_address"));

        // an address that cannot be bound: 400, the old listener stays
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var r = given().contentType("application/json").body(toJson(Map.of("config",
                    Map.of("core.metrics_address", "127.0.0.1:" + busy.getLocalPort())))).when().patch("/1.0");
            assertEquals(400, r.statusCode(), r::asString);
            assertEquals("127.0.0.1:" + port, serverConfig().get("core.metrics_address"));
        }
        try (HttpsClient m = new HttpsClient(port, scraper)) {
            assertEquals(200, m.get("/1.0/metrics").status());
        }

        // it comes back after a restart, moves with the key and goes when the key is unset
        daemon.restart();
        useSocket(daemon);
        try (HttpsClient m = new HttpsClient(port, scraper)) {
            assertEquals(200, m.get("/1.0/metrics").status());
        }
        int port2 = HttpsListenerTest.freePort();
        Trust.setConfig("core.metrics_address", "127.0.0.1:" + port2);
        try (HttpsClient m = new HttpsClient(port2, scraper); HttpsClient old = new HttpsClient(port, scraper)) {
            assertEquals(200, m.get("/1.0/metrics").status());
            assertThrows(AssertionError.class, () -> old.get("/1.0/metrics"), "the old port is closed");
        }
        Trust.setConfig("core.metrics_address", "");
        try (HttpsClient m = new HttpsClient(port2, scraper)) {
            assertThrows(AssertionError.class, () -> m.get("/1.0/metrics"), "unset: no listener");
        }
    }
}
