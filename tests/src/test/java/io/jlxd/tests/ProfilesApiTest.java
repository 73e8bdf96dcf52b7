package io.jlxd.tests;

import static io.jlxd.tests.Instances.ok;
import static io.jlxd.tests.ServerConfigApiTest.assertError;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** /1.0/profiles: the default profile, CRUD, rename, ETags, used_by, and the expansion into instances. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProfilesApiTest extends DaemonTestBase {

    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
    }

    private static Response post(Object body) {
        return given().contentType("application/json").body(toJson(body)).when().post("/1.0/profiles");
    }

    private static JsonNode profile(String name) {
        Response r = given().when().get("/1.0/profiles/" + name);
        assertEquals(200, r.statusCode(), r::asString);
        return json(r).get("metadata");
    }

    @Test
    @Order(1)
    void defaultProfileCarriesTheRootDisk() {
        JsonNode p = profile("default");
        assertEquals(Map.of("type", "disk", "path", "/", "pool", "default"), JSON.convertValue(p.get("devices").get("root"), Map.class));
        Response l = given().when().get("/1.0/profiles");
        assertEquals("/1.0/profiles/default", json(l).get("metadata").get(0).asText());
        Response l1 = given().queryParam("recursion", 1).when().get("/1.0/profiles");
        assertEquals("default", json(l1).get("metadata").get(0).get("name").asText());
        assertError(given().when().delete("/1.0/profiles/default"), 400, "default");
        assertError(given().contentType("application/json").body("{\"name\":\"x\"}").when().post("/1.0/profiles/default"), 400, "default");
    }

    @Test
    @Order(2)
    void badInputChangesNothing() {
        assertError(post(Map.of("name", "..")), 400, "name");
        assertError(post(Map.of("name", "a/b")), 400, "name");
        assertError(post(Map.of("name", "p1", "config", Map.of("bogus.key", "1"))), 400, "bogus.key");
        assertError(post(Map.of("name", "p1", "config", Map.of("volatile.x", "1"))), 400, "volatile");
        assertError(post(Map.of("name", "p1", "devices", Map.of("gpu0", Map.of("type", "gpu")))), 400, "unsupported device type");
        assertError(given().header(ContractFilter.invalidRequest()).contentType("application/json").body("{\"name\":\"p1\",\"x\":1}")
                .when().post("/1.0/profiles"), 400, "x");
        assertEquals(1, json(given().when().get("/1.0/profiles")).get("metadata").size());
        assertError(given().when().get("/1.0/profiles/p1"), 404);
    }

    @Test
    @Order(3)
    void createUpdateRenameDelete() {
        assertEquals(200, post(Map.of("name", "p1", "description", "limits", "config", Map.of("limits.processes", "50"))).statusCode());
        assertError(post(Map.of("name", "p1")), 409, "exists");
        Response g = given().when().get("/1.0/profiles/p1");
        String etag = g.getHeader("ETag");
        assertError(given().header("If-Match", "stale").contentType("application/json").body("{\"description\":\"x\"}")
                .when().put("/1.0/profiles/p1"), 412);
        assertEquals(200, given().header("If-Match", etag).contentType("application/json")
                .body(toJson(Map.of("config", Map.of("limits.processes", "60", "user.a", "b")))).when().put("/1.0/profiles/p1").statusCode());
        assertEquals("", profile("p1").get("description").asText(), "PUT replaces the description");
        assertEquals(200, given().contentType("application/json").body(toJson(Map.of("config", Map.of("user.a", "")))).when()
                .patch("/1.0/profiles/p1").statusCode());
        assertEquals(Map.of("limits.processes", "60"), JSON.convertValue(profile("p1").get("config"), Map.class));
        assertEquals(200, given().contentType("application/json").body("{\"name\":\"p2\"}").when().post("/1.0/profiles/p1").statusCode());
        assertError(given().when().get("/1.0/profiles/p1"), 404);
        assertEquals("60", profile("p2").get("config").get("limits.processes").asText());
    }

    @Test
    @Order(4)
    void profilesExpandIntoInstancesAndInUseCannotBeDeleted() {
        ok(Instances.create(Map.of("name", "pta1", "profiles", List.of("default", "p2"), "config", Map.of("user.x", "1"),
                "source", Map.of("type", "none"))));
        JsonNode i = Instances.instance("pta1");
        assertEquals("60", i.get("expanded_config").get("limits.processes").asText());
        assertEquals("1", i.get("expanded_config").get("user.x").asText());
        assertTrue(!i.get("config").has("limits.processes"));
        assertEquals("/1.0/instances/pta1", profile("p2").get("used_by").get(0).asText());
        assertError(given().when().delete("/1.0/profiles/p2"), 409, "in use");
        assertEquals(200, given().contentType("application/json").body(toJson(Map.of("config", Map.of("limits.processes", "70")))).when()
                .patch("/1.0/instances/pta1").statusCode());
        assertEquals("70", Instances.instance("pta1").get("expanded_config").get("limits.processes").asText(), "local wins over profiles");
        ok(given().when().delete("/1.0/instances/pta1"));
        assertEquals(200, given().when().delete("/1.0/profiles/p2").statusCode());
        assertError(given().when().get("/1.0/profiles/p2"), 404);
    }
}
