package io.jlxd.tests;

import static io.jlxd.tests.ServerConfigApiTest.assertError;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** /1.0/operations: list, get, wait, cancel, 404s; driven by a trust-token operation. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsApiTest extends DaemonTestBase {

    private static JsonNode list(int recursion) {
        Response r = given().queryParam("recursion", recursion).when().get("/1.0/operations");
        assertEquals(200, r.statusCode(), r::asString);
        return json(r).get("metadata");
    }

    private static JsonNode get(String id) {
        Response r = given().when().get("/1.0/operations/" + id);
        assertEquals(200, r.statusCode(), r::asString);
        return json(r).get("metadata");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.isObject() ? n.get("id").asText() : n.asText()));
        }
        return out;
    }

    @Test
    @Order(1)
    void freshDaemonHasNoOperations() {
        assertEquals(0, list(0).size(), () -> "no group may be listed when there is no operation: " + list(0));
        assertEquals(0, list(1).size());
        Response r = given().when().get("/1.0/operations");
        assertEquals(200, r.statusCode());
        assertEquals(0, json(r).get("metadata").size(), "recursion=0 is the default");
    }

    @Test
    @Order(2)
    void tokenOperationLifecycle() {
        JsonNode server = server();
        JsonNode op = Tokens.create("t1");
        String id = op.get("id").asText();
        UUID.fromString(id);

        // The operation as created.
        assertEquals("token", op.get("class").asText());
        assertEquals("Running", op.get("status").asText());
        assertEquals(103, op.get("status_code").asInt());
        assertTrue(op.get("may_cancel").asBoolean(), "a token can be revoked");
        assertEquals("", op.get("err").asText());
        assertEquals(server.get("environment").get("server_name").asText(), op.get("location").asText());
        OffsetDateTime created = OffsetDateTime.parse(op.get("created_at").asText());
        assertTrue(Math.abs(Duration.between(created, OffsetDateTime.now()).toSeconds()) < 60, "created_at is now");
        JsonNode md = op.get("metadata");
        assertEquals("t1", md.get("request").get("name").asText());
        assertTrue(md.get("request").get("token").asBoolean());
        assertTrue(md.has("expiresAt") && md.get("expiresAt").isNull(), "tokens do not expire unless configured (LXD's key)");
        assertTrue(md.get("secret").asText().matches("[0-9a-f]{32,}"), "secret is hex: " + md.get("secret"));
        assertEquals(server.get("environment").get("certificate_fingerprint").asText(), md.get("fingerprint").asText());
        assertEquals(0, md.get("addresses").size(), "no HTTPS address configured");

        // Listed as running, by URL and as an object.
        JsonNode urls = list(0);
        assertEquals(List.of("running"), fieldNames(urls));
        assertEquals(List.of("/1.0/operations/" + id), texts(urls.get("running")));
        JsonNode objects = list(1);
        assertEquals(List.of("running"), fieldNames(objects));
        assertEquals(List.of(id), texts(objects.get("running")));
        assertEquals("token", objects.get("running").get(0).get("class").asText());
        assertEquals("Running", objects.get("running").get(0).get("status").asText());

        // GET shows the same operation.
        JsonNode got = get(id);
        assertEquals(id, got.get("id").asText());
        assertEquals("Running", got.get("status").asText());
        assertEquals(op.get("created_at").asText(), got.get("created_at").asText());
        assertTrue(!got.get("metadata").has("secret"), "the secret is shown once, in the creating answer only");

        // wait with a timeout returns the still-running operation after about that long.
        long t0 = System.nanoTime();
        Response w = given().queryParam("timeout", 1).when().get("/1.0/operations/" + id + "/wait");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, w.statusCode(), w::asString);
        assertEquals("Running", json(w).get("metadata").get("status").asText());
        assertEquals(103, json(w).get("metadata").get("status_code").asInt());
        assertTrue(ms >= 900 && ms < 10_000, "wait?timeout=1 took " + ms + " ms");

        // DELETE cancels it.
        Response d = Tokens.cancel(id);
        assertEquals(200, d.statusCode(), d::asString);
        assertEquals(0, json(d).get("metadata").size());
        JsonNode cancelled = get(id);
        assertEquals("Cancelled", cancelled.get("status").asText());
        assertEquals(401, cancelled.get("status_code").asInt());
        assertFalse(texts(list(0).get("running")).contains("/1.0/operations/" + id));
        JsonNode after = list(0);
        for (String group : fieldNames(after)) {
            if (texts(after.get(group)).contains("/1.0/operations/" + id)) {
                assertEquals("cancelled", group, "a cancelled operation is listed under cancelled: " + after);
            }
        }

        // wait on a finished operation answers at once.
        t0 = System.nanoTime();
        w = given().when().get("/1.0/operations/" + id + "/wait");
        ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, w.statusCode(), w::asString);
        assertEquals("Cancelled", json(w).get("metadata").get("status").asText());
        assertTrue(ms < 5_000, "wait on a finished operation took " + ms + " ms");

        // Cancelling again: it already finished.
        assertError(Tokens.cancel(id), 409);
    }

    @Test
    @Order(3)
    void unknownOperationIs404() {
        String id = UUID.randomUUID().toString();
        assertError(given().when().get("/1.0/operations/" + id), 404);
        assertError(given().when().delete("/1.0/operations/" + id), 404);
        assertError(given().queryParam("timeout", 1).when().get("/1.0/operations/" + id + "/wait"), 404);
        assertError(given().when().get("/1.0/operations/" + id + "/wait"), 404);
    }

    @Test
    @Order(4)
    void severalTokensAreListedTogether() {
        String a = Tokens.create("a").get("id").asText();
        String b = Tokens.create("b").get("id").asText();
        try {
            List<String> running = texts(list(0).get("running"));
            assertTrue(running.contains("/1.0/operations/" + a) && running.contains("/1.0/operations/" + b), running::toString);
        } finally {
            assertEquals(200, Tokens.cancel(a).statusCode());
            assertEquals(200, Tokens.cancel(b).statusCode());
        }
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
