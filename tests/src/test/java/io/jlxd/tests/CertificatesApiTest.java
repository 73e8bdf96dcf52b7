package io.jlxd.tests;

import static io.jlxd.tests.ServerConfigApiTest.assertError;
import static io.jlxd.tests.Trust.assertStatus;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /1.0/certificates/{fingerprint}} in LXD's shape (GET with ETag, PUT, PATCH, DELETE), the refusals of bad
 * certificates, restricted certificates over real HTTPS, expired client certificates, and the log line of every
 * changing request.
 */
class CertificatesApiTest extends DaemonTestBase {

    private static Response put(String fp, Object body, String etag) {
        var spec = given().contentType(ContentType.JSON).body(toJson(body));
        if (etag != null) {
            spec = spec.header("If-Match", etag);
        }
        return spec.when().put("/1.0/certificates/" + fp);
    }

    private static Response patch(String fp, Object body) {
        return given().contentType(ContentType.JSON).body(toJson(body)).when().patch("/1.0/certificates/" + fp);
    }

    private static Response add(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(toJson(body)).when().post("/1.0/certificates");
    }

    @Test
    void getPutPatchDeleteWithEtags() throws Exception {
        int port = Trust.enableHttps();
        ClientIdentity id = ClientIdentity.create("crud");
        Trust.trust(id, "crud", false, List.of());
        String fp = id.fingerprint();

        Response got = given().when().get("/1.0/certificates/" + fp);
        assertEquals(200, got.statusCode(), got::asString);
        String etag = got.getHeader("ETag");
        assertTrue(etag != null && etag.length() > 10, "GET has an ETag");
        JsonNode c = json(got).get("metadata");
        assertEquals(fp, c.get("fingerprint").asText());
        assertEquals(id.pem().trim(), c.get("certificate").asText().trim());
        assertEquals(List.of("/1.0/certificates/" + fp), ServerApiTest.strings(json(given().when().get("/1.0/certificates")).get("metadata")));
        assertEquals(fp, json(given().queryParam("recursion", 1).when().get("/1.0/certificates")).get("metadata").get(0)
                .get("fingerprint").asText());

        assertError(put(fp, Map.of("name", "x", "type", "client"), "\"0000\""), 412);
        Response ok = put(fp, Map.of("name", "renamed", "type", "client", "restricted", true, "projects", List.of("default"),
                "description", "d1"), etag);
        assertEquals(200, ok.statusCode(), ok::asString);
        JsonNode after = Trust.entry(id);
        assertEquals("renamed", after.get("name").asText());
        assertTrue(after.get("restricted").asBoolean());
        assertEquals(List.of("default"), ServerApiTest.strings(after.get("projects")));
        assertNotEquals(etag, given().when().get("/1.0/certificates/" + fp).getHeader("ETag"));

        assertEquals(200, patch(fp, Map.of("description", "d2")).statusCode());
        after = Trust.entry(id);
        assertEquals("renamed", after.get("name").asText(), "PATCH keeps what it does not name");
        assertEquals("d2", after.get("description").asText());
        assertTrue(after.get("restricted").asBoolean());

        // Refusals change nothing.
        assertError(patch(fp, Map.of("type", "metrics")), 400, "metrics");
        assertError(patch(fp, Map.of("projects", List.of("nope"))), 400, "nope");
        assertError(patch(fp, Map.of("certificate", "garbage")), 400, "Invalid certificate");
        assertError(given().header(ContractFilter.invalidRequest()).contentType(ContentType.JSON).body(toJson(Map.of("unknown", 1)))
                .when().patch("/1.0/certificates/" + fp), 400, "unknown");
        assertError(put(fp, Map.of("name", "", "type", "client"), null), 400, "name");
        assertEquals(after, Trust.entry(id));
        assertError(add(Map.of("name", "twice", "certificate", id.pem())), 409);

        // A new certificate for the same entry: the old one is cut off, the new one trusted with the same rights.
        ClientIdentity next = ClientIdentity.create("crud-next");
        try (HttpsClient oldClient = new HttpsClient(port, id); HttpsClient newClient = new HttpsClient(port, next)) {
            assertStatus(200, oldClient.get("/1.0/instances"));
            assertEquals(200, patch(fp, Map.of("certificate", next.pem())).statusCode());
            assertStatus(403, oldClient.get("/1.0/instances"));
            assertStatus(200, newClient.get("/1.0/instances"));
            assertStatus(403, newClient.get("/1.0/certificates"), "restricted");
        }
        assertNull(Trust.entry(id));
        assertEquals("renamed", Trust.entry(next).get("name").asText());

        assertEquals(200, given().when().delete("/1.0/certificates/" + next.fingerprint()).statusCode());
        assertError(given().when().get("/1.0/certificates/" + next.fingerprint()), 404);
        assertError(given().when().delete("/1.0/certificates/" + next.fingerprint()), 404);
    }

    @Test
    void badCertificatesAreRefusedWithTheReason() {
        String certsBefore = json(given().when().get("/1.0/certificates")).get("metadata").toString();
        String opsBefore = json(given().when().get("/1.0/operations")).get("metadata").toString();
        ClientIdentity id = ClientIdentity.create("bad");
        assertError(add(Map.of("name", "m", "type", "metrics", "certificate", id.pem(), "restricted", true,
                "projects", List.of("default"))), 400, "metrics");
        assertError(given().header(ContractFilter.invalidRequest()).contentType(ContentType.JSON)
                .body(toJson(Map.of("name", "s", "type", "server", "certificate", id.pem()))).when().post("/1.0/certificates"), 400, "server");
        assertError(add(Map.of("name", "p", "certificate", id.pem(), "restricted", true, "projects", List.of("other"))), 400, "other");
        assertError(add(Map.of("name", "g", "certificate", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----")),
                400, "Invalid certificate");
        assertError(add(Map.of("name", "g", "certificate", "AAAA")), 400, "Invalid certificate");
        ClientIdentity expired = ClientIdentity.create("old", Instant.now().minus(Duration.ofDays(3)), Instant.now().minus(Duration.ofDays(2)));
        assertError(add(Map.of("name", "e", "certificate", expired.pem())), 400, "expired");
        assertError(add(Map.of("name", "pw", "password", "hunter2")), 400, "Trust passwords");
        assertError(add(Map.of("name", "t", "token", true, "type", "metrics", "restricted", true)), 400, "metrics");
        assertError(add(Map.of("token", true)), 400, "name");
        assertEquals(certsBefore, json(given().when().get("/1.0/certificates")).get("metadata").toString(), "nothing was added");
        assertEquals(opsBefore, json(given().when().get("/1.0/operations")).get("metadata").toString(), "no token was created");
    }

    @Test
    void restrictedCertificatesActOnlyInTheirProjects() throws Exception {
        int port = Trust.enableHttps();
        ClientIdentity inDefault = ClientIdentity.create("tenant");
        ClientIdentity inNothing = ClientIdentity.create("nobody");
        Trust.trust(inDefault, "tenant", true, List.of("default"));
        Trust.trust(inNothing, "nobody", true, List.of());
        JsonNode token = Trust.token("hidden-token", Map.of());
        try (HttpsClient t = new HttpsClient(port, inDefault); HttpsClient n = new HttpsClient(port, inNothing)) {
            JsonNode s = t.get("/1.0").metadata();
            assertEquals("trusted", s.get("auth").asText());
            assertEquals(0, s.get("config").size(), "a restricted client does not see the server configuration: " + s);
            assertStatus(200, t.get("/1.0/instances"));
            assertStatus(200, t.get("/1.0/profiles"));
            assertStatus(200, t.get("/1.0/images"));
            assertStatus(200, t.get("/1.0/storage-pools"));
            assertStatus(403, t.get("/1.0/instances?project=other"), "restricted");
            assertStatus(403, t.send("PATCH", "/1.0", toJson(Map.of("config", Map.of("user.x", "1")))), "restricted");
            assertStatus(403, t.get("/1.0/certificates"), "restricted");
            assertStatus(403, t.send("POST", "/1.0/certificates", toJson(Map.of("name", "x", "token", true))), "restricted");
            assertStatus(403, t.send("POST", "/1.0/storage-pools", toJson(Map.of("name", "p", "driver", "dir"))), "restricted");
            assertStatus(403, t.send("DELETE", "/1.0/storage-pools/default", null), "restricted");
            assertStatus(403, t.get("/1.0/storage-pools/default/resources"), "restricted");
            String ops = t.get("/1.0/operations?recursion=1").body();
            assertFalse(ops.contains(token.get("id").asText()), "token operations are not for restricted clients: " + ops);
            assertStatus(404, t.get("/1.0/operations/" + token.get("id").asText()));
            assertStatus(404, t.send("DELETE", "/1.0/operations/" + token.get("id").asText(), null));
            // A project-scoped change works: a profile.
            assertStatus(200, t.send("POST", "/1.0/profiles", toJson(Map.of("name", "tenant-p"))));
            assertStatus(200, t.send("DELETE", "/1.0/profiles/tenant-p", null));

            assertEquals("trusted", n.get("/1.0").metadata().get("auth").asText());
            assertStatus(403, n.get("/1.0/instances"), "restricted");
            assertEquals(0, n.get("/1.0/images").metadata().size(), "outside its projects it sees public images only");
        }
        assertEquals("Running", json(given().when().get("/1.0/operations/" + token.get("id").asText())).get("metadata")
                .get("status").asText(), "the restricted client could not touch the token");
        Trust.untrust(inDefault);
        Trust.untrust(inNothing);
        given().when().delete("/1.0/operations/" + token.get("id").asText());
    }

    @Test
    void aMetricsCertificateMayOnlyScrapeMetrics() throws Exception {
        int port = Trust.enableHttps();
        ClientIdentity scraper = ClientIdentity.create("scraper");
        Response r = add(Map.of("name", "scraper", "type", "metrics", "certificate", scraper.pem()));
        assertEquals(200, r.statusCode(), r::asString);
        assertEquals("metrics", Trust.entry(scraper).get("type").asText());
        try (HttpsClient c = new HttpsClient(port, scraper); HttpsClient stranger = new HttpsClient(port, ClientIdentity.create("x"))) {
            HttpsClient.Answer m = c.get("/1.0/metrics");
            assertEquals(200, m.status(), m::toString);
            assertTrue(m.body().contains("jlxd_instances") || m.body().contains("lxd_"), m.body());
            assertStatus(403, stranger.get("/1.0/metrics"));
            assertEquals("untrusted", c.get("/1.0").metadata().get("auth").asText(), "nothing else: not even the server view");
            assertStatus(403, c.get("/1.0/instances"));
            assertStatus(403, c.get("/1.0/operations"));
            assertStatus(403, c.send("PATCH", "/1.0", toJson(Map.of("config", Map.of("user.m", "1")))));
            HttpsClient.Ws ws = c.websocket("/1.0/events");
            assertTrue(ws.closed.get(30, java.util.concurrent.TimeUnit.SECONDS).contains("not authorized"));
        }
        Trust.untrust(scraper);
    }

    @Test
    void restrictedEventsLeaveOutServerWideOnes() throws Exception {
        int port = Trust.enableHttps();
        ClientIdentity id = ClientIdentity.create("listener");
        Trust.trust(id, "listener", true, List.of("default"));
        try (HttpsClient c = new HttpsClient(port, id)) {
            HttpsClient.Ws ws = c.websocket("/1.0/events");
            JsonNode token = Trust.token("secret-holder", Map.of());
            Trust.setConfig("user.restricted-test", "1");
            assertEquals(200, given().contentType(ContentType.JSON).body(toJson(Map.of("name", "evt-p")))
                    .when().post("/1.0/profiles").statusCode());
            ws.await("profile-created", Duration.ofSeconds(30));
            for (String m : ws.drain()) {
                assertFalse(m.contains(token.get("id").asText()) || m.contains("config-updated"), "server-wide event leaked: " + m);
            }
            ws.socket().abort();
            given().when().delete("/1.0/operations/" + token.get("id").asText());
            given().when().delete("/1.0/profiles/evt-p");
            Trust.setConfig("user.restricted-test", "");
        }
        Trust.untrust(id);
    }

    @Test
    void anExpiredClientCertificateIsRefusedEvenWhenTrusted() throws Exception {
        int port = Trust.enableHttps();
        Instant notAfter = Instant.now().plusSeconds(3);
        ClientIdentity shortLived = ClientIdentity.create("short", Instant.now().minusSeconds(60), notAfter);
        Trust.trust(shortLived, "short", false, List.of());
        try (HttpsClient c = new HttpsClient(port, shortLived)) {
            assertEquals("trusted", c.get("/1.0").metadata().get("auth").asText());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String auth = "trusted";
            while (auth.equals("trusted") && System.nanoTime() < deadline) {
                Thread.sleep(200); // polling for the certificate's expiry (a condition on the clock), not a fixed wait
                auth = c.get("/1.0").metadata().get("auth").asText();
            }
            assertEquals("untrusted", auth);
            assertFalse(Instant.now().isBefore(shortLived.certificate().getNotAfter().toInstant()), "refused only once expired");
            assertStatus(403, c.get("/1.0/instances"));
        }
        Trust.untrust(shortLived);
    }

    @Test
    void everyChangingRequestIsLoggedWithItsCaller() throws Exception {
        int port = Trust.enableHttps();
        Trust.setConfig("user.audit", "1");
        long pid = ProcessHandle.current().pid();
        String unixLine = "PATCH /1.0 by unix socket uid=0 gid=0 pid=" + pid;
        ClientIdentity id = ClientIdentity.create("auditor");
        Trust.trust(id, "auditor", false, List.of());
        try (HttpsClient c = new HttpsClient(port, id)) {
            assertStatus(200, c.send("PATCH", "/1.0", toJson(Map.of("config", Map.of("user.audit", "2")))));
        }
        String tlsLine = "PATCH /1.0 by https 127.0.0.1 certificate " + id.fingerprint() + " (auditor)";
        String log = daemon.stderr();
        assertTrue(log.contains(unixLine), "no line \"" + unixLine + "\" in the daemon log:\n" + JlxdDaemon.tail(log));
        assertTrue(log.contains(tlsLine), "no line \"" + tlsLine + "\" in the daemon log:\n" + JlxdDaemon.tail(log));
        Trust.setConfig("user.audit", "");
        Trust.untrust(id);
    }
}
