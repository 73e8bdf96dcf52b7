package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Trust store steps over the (trusted) Unix socket, for the HTTPS trust tests. */
final class Trust {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Trust() {
    }

    /** Serves HTTPS on a free loopback port and returns it. */
    static int enableHttps() throws Exception {
        int port = HttpsListenerTest.freePort();
        setConfig("core.https_address", "127.0.0.1:" + port);
        return port;
    }

    static void setConfig(String key, String value) {
        Response r = given().contentType(ContentType.JSON).body(DaemonTestBase.toJson(Map.of("config", Map.of(key, value))))
                .when().patch("/1.0");
        assertEquals(200, r.statusCode(), r::asString);
    }

    /** Trusts {@code id} directly (POST /1.0/certificates with the PEM). */
    static void trust(ClientIdentity id, String name, boolean restricted, List<String> projects) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("type", "client");
        body.put("certificate", id.pem());
        body.put("restricted", restricted);
        body.put("projects", projects);
        Response r = given().contentType(ContentType.JSON).body(DaemonTestBase.toJson(body)).when().post("/1.0/certificates");
        assertEquals(200, r.statusCode(), r::asString);
    }

    static void untrust(ClientIdentity id) {
        Response r = given().when().delete("/1.0/certificates/" + id.fingerprint());
        assertEquals(200, r.statusCode(), r::asString);
    }

    /** POST {"name", "token": true, ...extra}: the creating answer's operation (with the secret). */
    static JsonNode token(String name, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("name", name, "token", true));
        body.putAll(extra);
        Response r = given().contentType(ContentType.JSON).body(DaemonTestBase.toJson(body)).when().post("/1.0/certificates");
        assertEquals(202, r.statusCode(), r::asString);
        return DaemonTestBase.json(r).get("metadata");
    }

    /** LXD's token string, as `lxc config trust add` builds it from the operation (api.Operation.ToCertificateAddToken). */
    static String encode(JsonNode op) {
        JsonNode md = op.get("metadata");
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("client_name", md.get("request").get("name").asText());
        t.put("fingerprint", md.get("fingerprint").asText());
        t.put("addresses", JSON.convertValue(md.get("addresses"), List.class));
        t.put("secret", md.get("secret").asText());
        t.put("expires_at", md.get("expiresAt").isNull() ? "0001-01-01T00:00:00Z" : md.get("expiresAt").asText());
        try {
            return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(t));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The trust store entry of {@code id} (GET over the socket), or null. */
    static JsonNode entry(ClientIdentity id) {
        Response r = given().when().get("/1.0/certificates/" + id.fingerprint());
        if (r.statusCode() == 404) {
            return null;
        }
        assertEquals(200, r.statusCode(), r::asString);
        return DaemonTestBase.json(r).get("metadata");
    }

    static void assertStatus(int status, HttpsClient.Answer a, String... words) {
        assertEquals(status, a.status(), a::toString);
        if (status >= 400) {
            assertEquals("error", a.json().get("type").asText(), a::toString);
            for (String w : words) {
                assertTrue(a.json().get("error").asText().contains(w), () -> "the error should name " + w + ": " + a);
            }
        }
    }
}
