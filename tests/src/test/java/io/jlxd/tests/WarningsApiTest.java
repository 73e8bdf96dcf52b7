package io.jlxd.tests;

import static io.jlxd.tests.StoragePoolsApiTest.post;
import static io.jlxd.tests.StoragePoolsApiTest.status;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * /1.0/warnings (LXD's API) with a real background failure: a btrfs pool whose loop file is gone while the
 * daemon is down cannot be mounted at the next start. That is a warning (type, entity, count, times, message),
 * counted up when it happens again, acknowledged, set back to new, deleted; bad input is refused.
 */
class WarningsApiTest extends DaemonTestBase {
    private static final String POOL = "wt-broken";

    private static JsonNode warnings() {
        return json(given().queryParam("recursion", 1).when().get("/1.0/warnings")).get("metadata");
    }

    private static void breakPoolAndRestart() throws Exception {
        daemon.stop();
        JlxdDaemon.unmountUnder(daemon.dataDir());
        java.nio.file.Files.deleteIfExists(daemon.dataDir().resolve("disks/" + POOL + ".img")); // the pool's loop file
        daemon.startProcess();
    }

    @Test
    void aPoolThatCannotBeMountedIsAWarning() throws Exception {
        daemon.allowWarnings("Storage pool not mounted");
        assertEquals(0, json(given().when().get("/1.0/warnings")).get("metadata").size());
        status(200, post("/1.0/storage-pools", Map.of("name", POOL, "driver", "btrfs", "config", Map.of("size", "300MiB"))));

        breakPoolAndRestart();
        JsonNode list = warnings();
        assertEquals(1, list.size(), list::toString);
        JsonNode w = list.get(0);
        assertEquals("Storage pool not mounted", w.get("type").asText());
        assertEquals("/1.0/storage-pools/" + POOL, w.get("entity_url").asText());
        assertEquals("high", w.get("severity").asText());
        assertEquals("new", w.get("status").asText());
        assertEquals(1, w.get("count").asInt());
        assertTrue(w.get("last_message").asText().contains("could not be mounted"), w::toString);
        String uuid = w.get("uuid").asText();
        assertEquals(java.util.List.of("/1.0/warnings/" + uuid),
                ServerApiTest.strings(json(given().when().get("/1.0/warnings")).get("metadata")));
        assertEquals(500, given().when().get("/1.0/storage-pools/" + POOL + "/resources").statusCode(),
                "the pool stays unavailable");

        status(200, given().contentType(ContentType.JSON).body("{\"status\":\"acknowledged\"}").when().put("/1.0/warnings/" + uuid));
        assertEquals("acknowledged", json(given().when().get("/1.0/warnings/" + uuid)).get("metadata").get("status").asText());

        breakPoolAndRestart();
        JsonNode again = json(given().when().get("/1.0/warnings/" + uuid)).get("metadata");
        assertEquals(2, again.get("count").asInt(), "a repeat counts up the same warning");
        assertEquals("acknowledged", again.get("status").asText(), "an acknowledged warning stays acknowledged");
        assertTrue(again.get("last_seen_at").asText().compareTo(again.get("first_seen_at").asText()) > 0, again::toString);

        status(200, given().contentType(ContentType.JSON).body("{\"status\":\"new\"}").when().patch("/1.0/warnings/" + uuid));
        assertEquals("new", json(given().when().get("/1.0/warnings/" + uuid)).get("metadata").get("status").asText());

        ServerConfigApiTest.assertError(given().header(ContractFilter.invalidRequest()).contentType(ContentType.JSON).body("{\"status\":\"resolved\"}")
                .when().put("/1.0/warnings/" + uuid), 400);
        ServerConfigApiTest.assertError(given().header(ContractFilter.invalidRequest()).contentType(ContentType.JSON).body("{\"status\":\"new\",\"x\":1}")
                .when().put("/1.0/warnings/" + uuid), 400);
        assertEquals("new", json(given().when().get("/1.0/warnings/" + uuid)).get("metadata").get("status").asText(),
                "a refused request changes nothing");
        ServerConfigApiTest.assertError(given().when().get("/1.0/warnings/" + java.util.UUID.randomUUID()), 404);

        status(200, given().when().delete("/1.0/warnings/" + uuid));
        ServerConfigApiTest.assertError(given().when().get("/1.0/warnings/" + uuid), 404);
        ServerConfigApiTest.assertError(given().when().delete("/1.0/warnings/" + uuid), 404);
        assertEquals(0, warnings().size());
    }
}
