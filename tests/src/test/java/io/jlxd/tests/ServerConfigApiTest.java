package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PUT and PATCH /1.0: replace/merge semantics, ETag/If-Match, validation of keys and values, body limits. */
class ServerConfigApiTest extends DaemonTestBase {

    @BeforeEach
    void emptyConfig() {
        Response r = given().contentType(ContentType.JSON).body(configBody(Map.of())).when().put("/1.0");
        assertEquals(200, r.statusCode(), r::asString);
        assertEquals(Map.of(), serverConfig());
    }

    private static Response put(String body, String ifMatch) {
        var spec = given().contentType(ContentType.JSON).body(body);
        if (ifMatch != null) {
            spec.header("If-Match", ifMatch);
        }
        return spec.when().put("/1.0");
    }

    private static Response patch(String body, String ifMatch) {
        var spec = given().contentType(ContentType.JSON).body(body);
        if (ifMatch != null) {
            spec.header("If-Match", ifMatch);
        }
        return spec.when().patch("/1.0");
    }

    private static void assertEmptySync(Response r) {
        assertEquals(200, r.statusCode(), r::asString);
        JsonNode body = json(r);
        assertEquals("sync", body.get("type").asText());
        assertTrue(body.get("metadata").isObject() && body.get("metadata").isEmpty(), r.asString());
    }

    /** Asserts an error envelope with {@code status} whose message contains every one of {@code words}. */
    static JsonNode assertError(Response r, int status, String... words) {
        assertEquals(status, r.statusCode(), r::asString);
        JsonNode body = json(r);
        assertEquals("error", body.get("type").asText());
        assertEquals(status, body.get("error_code").asInt());
        String message = body.get("error").asText();
        for (String w : words) {
            assertTrue(message.contains(w), () -> "the error message should name " + w + ": " + message);
        }
        return body;
    }

    @Test
    void putReplacesTheWholeConfig() {
        assertEmptySync(put(configBody(Map.of("user.a", "1", "user.b", "2")), null));
        assertEquals(Map.of("user.a", "1", "user.b", "2"), serverConfig());
        assertEmptySync(put(configBody(Map.of("user.c", "3", "core.shutdown_timeout", "7")), null));
        assertEquals(Map.of("user.c", "3", "core.shutdown_timeout", "7"), serverConfig());
    }

    @Test
    void patchMergesAndEmptyValueUnsets() {
        assertEmptySync(put(configBody(Map.of("user.a", "1", "user.b", "2")), null));
        assertEmptySync(patch(configBody(Map.of("user.b", "20", "user.c", "3")), null));
        assertEquals(Map.of("user.a", "1", "user.b", "20", "user.c", "3"), serverConfig());
        assertEmptySync(patch(configBody(Map.of("user.a", "")), null));
        assertEquals(Map.of("user.b", "20", "user.c", "3"), serverConfig());
    }

    @Test
    void ifMatchWithTheCurrentEtagSucceeds() {
        String etag = etag();
        assertEmptySync(put(configBody(Map.of("user.x", "1")), etag));
        String etag2 = etag();
        assertNotEquals(etag, etag2, "the ETag must change when the config changes");
        assertEmptySync(patch(configBody(Map.of("user.y", "2")), etag2));
        assertEquals(Map.of("user.x", "1", "user.y", "2"), serverConfig());
    }

    @Test
    void staleEtagIsRefusedWith412AndNothingChanges() {
        String stale = etag();
        assertEmptySync(put(configBody(Map.of("user.x", "1")), null));
        String current = etag();

        assertError(put(configBody(Map.of("user.x", "2")), stale), 412);
        assertEquals(Map.of("user.x", "1"), serverConfig());
        assertError(patch(configBody(Map.of("user.y", "2")), stale), 412);
        assertEquals(Map.of("user.x", "1"), serverConfig());
        assertError(put(configBody(Map.of("user.x", "3")), "\"not-an-etag\""), 412);
        assertError(patch(configBody(Map.of("user.x", "3")), "not-an-etag"), 412);
        assertEquals(Map.of("user.x", "1"), serverConfig());
        assertEquals(current, etag(), "a refused change must not change the ETag");
    }

    @Test
    void unknownKeyIsRefusedWith400NamingItAndNothingChanges() {
        assertEmptySync(put(configBody(Map.of("user.keep", "yes")), null));
        Map<String, String> bad = new TreeMap<>(Map.of("user.new", "1", "core.bogus", "x"));
        assertError(put(configBody(bad), null), 400, "core.bogus");
        assertError(patch(configBody(bad), null), 400, "core.bogus");
        assertError(patch(configBody(Map.of("nonsense", "1")), null), 400, "nonsense");
        assertEquals(Map.of("user.keep", "yes"), serverConfig());
    }

    @Test
    void badValueIsRefusedWith400NamingTheKeyAndNothingChanges() {
        assertEmptySync(put(configBody(Map.of("user.keep", "yes", "core.shutdown_timeout", "5")), null));
        // openapi.yaml also knows core.shutdown_timeout is an integer, so these requests are marked as invalid.
        assertError(given().header(ContractFilter.invalidRequest()).contentType(ContentType.JSON)
                .body(configBody(Map.of("user.new", "1", "core.shutdown_timeout", "soon"))).when().patch("/1.0"),
                400, "core.shutdown_timeout");
        assertError(given().header(ContractFilter.invalidRequest()).contentType(ContentType.JSON)
                .body(configBody(Map.of("core.shutdown_timeout", "1.5"))).when().put("/1.0"),
                400, "core.shutdown_timeout");
        assertError(patch(configBody(Map.of("core.https_address", "127.0.0.1:99999")), null), 400, "core.https_address");
        assertError(patch(configBody(Map.of("core.https_address", "1:2:3")), null), 400, "core.https_address");
        assertEquals(Map.of("user.keep", "yes", "core.shutdown_timeout", "5"), serverConfig());
    }

    @Test
    void malformedJsonIsRefusedWith400() {
        assertEmptySync(put(configBody(Map.of("user.keep", "yes")), null));
        for (String body : new String[] {"{\"config\":", "not json", "[]", "{\"config\":[1]}"}) {
            Response r = given().header(ContractFilter.invalidRequest()).contentType(ContentType.JSON).body(body)
                    .when().put("/1.0");
            assertError(r, 400);
            r = given().header(ContractFilter.invalidRequest()).contentType(ContentType.JSON).body(body)
                    .when().patch("/1.0");
            assertError(r, 400);
        }
        // Trailing garbage after a valid document: the validator's parser stops at the document, the daemon must not.
        assertError(put("{\"config\":{\"user.a\":\"1\"}} trailing", null), 400);
        assertError(patch("{\"config\":{\"user.a\":\"1\"}} {}", null), 400);
        assertEquals(Map.of("user.keep", "yes"), serverConfig());
    }

    @Test
    void unknownJsonFieldIsRefusedWith400NamingIt() {
        assertEmptySync(put(configBody(Map.of("user.keep", "yes")), null));
        Response r = given().header(ContractFilter.invalidRequest()).contentType(ContentType.JSON)
                .body("{\"config\":{\"user.a\":\"1\"},\"confg\":{}}").when().put("/1.0");
        assertError(r, 400, "confg");
        r = given().header(ContractFilter.invalidRequest()).contentType(ContentType.JSON)
                .body("{\"config\":{\"user.a\":\"1\"},\"description\":\"x\"}").when().patch("/1.0");
        assertError(r, 400, "description");
        r = given().header(ContractFilter.invalidRequest()).contentType(ContentType.JSON)
                .body("{\"confg\":{}}").when().patch("/1.0");
        assertError(r, 400, "confg");
        assertEquals(Map.of("user.keep", "yes"), serverConfig());
    }

    @Test
    void bodyOver8MiBIsRefusedWith413AndNothingChanges() {
        assertEmptySync(put(configBody(Map.of("user.keep", "yes")), null));
        String big = "x".repeat(8 * 1024 * 1024 + 1024);
        assertError(put(configBody(Map.of("user.big", big)), null), 413);
        assertError(patch(configBody(Map.of("user.big", big)), null), 413);
        assertEquals(Map.of("user.keep", "yes"), serverConfig());
        // A large body under the limit is fine.
        String fine = "y".repeat(1024 * 1024);
        assertEmptySync(patch(configBody(Map.of("user.big", fine)), null));
        assertEquals(fine, serverConfig().get("user.big"));
    }
}
