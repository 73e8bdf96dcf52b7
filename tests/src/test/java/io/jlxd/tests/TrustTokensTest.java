package io.jlxd.tests;

import static io.jlxd.tests.Trust.assertStatus;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Trust tokens end to end over real HTTPS with client certificates made in the test: LXD's token format, single
 * use, revocation, expiry (core.remote_token_expiry), survival across a restart, only a hash in the database, and
 * clear refusals of bad input (garbage tokens, passwords, expired client certificates).
 */
class TrustTokensTest extends DaemonTestBase {

    private static String post(Object body) {
        return toJson(body);
    }

    @Test
    void aTokenTrustsItsClientOnceInLxdsFormat() throws Exception {
        int port = Trust.enableHttps();
        String serverFp = server().get("environment").get("certificate_fingerprint").asText();
        JsonNode op = Trust.token("laptop", Map.of("description", "my laptop"));
        assertEquals("token", op.get("class").asText());
        JsonNode md = op.get("metadata");
        assertTrue(md.get("secret").asText().matches("[0-9a-f]{64}"), md::toString);
        assertEquals(serverFp, md.get("fingerprint").asText());
        assertEquals(List.of("127.0.0.1:" + port), ServerApiTest.strings(md.get("addresses")));
        assertTrue(md.get("expiresAt").isNull(), "no expiry unless core.remote_token_expiry is set");
        String token = Trust.encode(op);
        JsonNode decoded = JSON.readTree(Base64.getDecoder().decode(token));
        assertEquals("laptop", decoded.get("client_name").asText());

        ClientIdentity laptop = ClientIdentity.create("laptop");
        try (HttpsClient c = new HttpsClient(port, laptop)) {
            assertEquals("untrusted", c.get("/1.0").metadata().get("auth").asText());
            assertStatus(403, c.get("/1.0/instances"));
            assertStatus(200, c.send("POST", "/1.0/certificates", post(Map.of("trust_token", token))));
            JsonNode s = c.get("/1.0").metadata();
            assertEquals("trusted", s.get("auth").asText());
            assertEquals(serverFp, s.get("environment").get("certificate_fingerprint").asText());
            assertStatus(200, c.get("/1.0/instances"));
        }
        JsonNode entry = Trust.entry(laptop);
        assertEquals("laptop", entry.get("name").asText());
        assertEquals("client", entry.get("type").asText());
        assertFalse(entry.get("restricted").asBoolean());
        assertEquals("my laptop", entry.get("description").asText());

        JsonNode done = json(given().when().get("/1.0/operations/" + op.get("id").asText())).get("metadata");
        assertEquals("Success", done.get("status").asText(), done::toString);
        assertFalse(done.get("metadata").has("secret"), "the secret is shown once only: " + done);

        // Single use: a second client with the same token is refused, and not trusted.
        ClientIdentity other = ClientIdentity.create("other");
        try (HttpsClient c = new HttpsClient(port, other)) {
            assertStatus(403, c.send("POST", "/1.0/certificates", post(Map.of("trust_token", token))), "trust token");
            assertEquals("untrusted", c.get("/1.0").metadata().get("auth").asText());
        }
        assertNull(Trust.entry(other));
        Trust.untrust(laptop);
    }

    @Test
    void onlyAHashOfTheSecretIsStoredAndTokensSurviveARestart() throws Exception {
        int port = Trust.enableHttps();
        JsonNode op = Trust.token("restarted", Map.of("restricted", true, "projects", List.of("default")));
        String secret = op.get("metadata").get("secret").asText();
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        String db = databaseText();
        assertFalse(db.contains(secret), "the database holds the token secret");
        assertTrue(db.contains(hash), "the database holds the secret's SHA-256");

        daemon.restart();
        useSocket(daemon);
        JsonNode again = json(given().when().get("/1.0/operations/" + op.get("id").asText())).get("metadata");
        assertEquals("Running", again.get("status").asText(), "the token is still open after a restart: " + again);
        assertEquals("token", again.get("class").asText());

        ClientIdentity id = ClientIdentity.create("restarted");
        try (HttpsClient c = new HttpsClient(port, id)) {
            assertStatus(200, c.send("POST", "/1.0/certificates", post(Map.of("trust_token", Trust.encode(op)))));
            assertStatus(200, c.get("/1.0/instances"));
            assertStatus(403, c.get("/1.0/certificates"), "restricted");
        }
        JsonNode entry = Trust.entry(id);
        assertTrue(entry.get("restricted").asBoolean(), "the token's restriction is the certificate's");
        assertEquals(List.of("default"), ServerApiTest.strings(entry.get("projects")));
        assertEquals("Success", json(given().when().get("/1.0/operations/" + op.get("id").asText())).get("metadata")
                .get("status").asText(), "the restored token operation completes when used");
        Trust.untrust(id);
    }

    /** Every byte of the database files (with the WAL), as Latin-1 text, to look for strings in it. */
    private static String databaseText() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(daemon.dataDir())) {
            for (Path p : files.filter(Files::isRegularFile).filter(f -> f.toString().contains("database")).toList()) {
                sb.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        assertTrue(sb.length() > 0, "no database files found under " + daemon.dataDir());
        return sb.toString();
    }

    @Test
    void revokedExpiredAndGarbageTokensAreRefused() throws Exception {
        int port = Trust.enableHttps();
        ClientIdentity id = ClientIdentity.create("refused");
        try (HttpsClient c = new HttpsClient(port, id)) {
            // Garbage: 400 naming the problem.
            assertStatus(400, c.send("POST", "/1.0/certificates", post(Map.of("trust_token", "not a token!"))), "Invalid trust token");
            assertStatus(400, c.send("POST", "/1.0/certificates", post(Map.of("trust_token",
                    Base64.getEncoder().encodeToString("{\"client_name\":\"x\"}".getBytes(StandardCharsets.UTF_8))))), "Invalid trust token");
            assertStatus(400, c.send("POST", "/1.0/certificates", "{\"trust_token\": "), "JSON");
            assertStatus(400, c.send("POST", "/1.0/certificates", post(Map.of("password", "secret"))), "Trust passwords");
            // Well-formed but unknown.
            assertStatus(403, c.send("POST", "/1.0/certificates", post(Map.of("trust_token", "ab".repeat(32)))), "trust token");
            assertStatus(403, c.send("POST", "/1.0/certificates", post(Map.of())));

            // Revoked: cancelling the operation.
            JsonNode revoked = Trust.token("revoked", Map.of());
            assertEquals(200, given().when().delete("/1.0/operations/" + revoked.get("id").asText()).statusCode());
            assertStatus(403, c.send("POST", "/1.0/certificates", post(Map.of("trust_token", Trust.encode(revoked)))), "trust token");

            // Expired: core.remote_token_expiry in LXD's syntax.
            Response bad = given().contentType(ContentType.JSON).body(configBody(Map.of("core.remote_token_expiry", "soon")))
                    .when().patch("/1.0");
            ServerConfigApiTest.assertError(bad, 400, "core.remote_token_expiry");
            Trust.setConfig("core.remote_token_expiry", "1S");
            JsonNode expiring = Trust.token("expiring", Map.of());
            Instant expiresAt = Instant.parse(expiring.get("metadata").get("expiresAt").asText());
            assertTrue(expiresAt.isAfter(Instant.now().minusSeconds(5)) && expiresAt.isBefore(Instant.now().plusSeconds(5)),
                    "expiresAt is about a second from now: " + expiresAt);
            Trust.setConfig("core.remote_token_expiry", "");
            JsonNode ended = json(given().queryParam("timeout", 30).when()
                    .get("/1.0/operations/" + expiring.get("id").asText() + "/wait")).get("metadata");
            assertEquals("Failure", ended.get("status").asText(), ended::toString);
            assertTrue(ended.get("err").asText().contains("expired"), ended::toString);
            assertStatus(403, c.send("POST", "/1.0/certificates", post(Map.of("trust_token", Trust.encode(expiring)))), "trust token");
            assertEquals("untrusted", c.get("/1.0").metadata().get("auth").asText());
        }
        assertNull(Trust.entry(id));

        // An expired client certificate cannot redeem a token, and the token stays usable.
        JsonNode op = Trust.token("late", Map.of());
        ClientIdentity expired = ClientIdentity.create("expired", Instant.now().minus(Duration.ofDays(2)),
                Instant.now().minus(Duration.ofDays(1)));
        try (HttpsClient c = new HttpsClient(port, expired)) {
            assertStatus(400, c.send("POST", "/1.0/certificates", post(Map.of("trust_token", Trust.encode(op)))), "expired");
        }
        try (HttpsClient c = new HttpsClient(port, null)) {
            assertStatus(400, c.send("POST", "/1.0/certificates", post(Map.of("trust_token", Trust.encode(op)))), "client certificate");
        }
        ClientIdentity late = ClientIdentity.create("late");
        try (HttpsClient c = new HttpsClient(port, late)) {
            assertStatus(200, c.send("POST", "/1.0/certificates", post(Map.of("trust_token", Trust.encode(op)))));
        }
        Trust.untrust(late);
    }
}
