package io.jlxd.tests;

import static io.jlxd.tests.Instances.ok;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client restricted to project "ta" over real HTTPS: it sees and touches "ta"'s instances, and nothing of
 * "tb" (instances of the same name, operations, events) nor of default; it may create no project and change
 * none, nor the images, profiles and volumes its project shares with default.
 */
class ProjectsTrustTest extends DaemonTestBase {
    private static int port;
    private static ClientIdentity tenant;

    @BeforeAll
    static void setUp() throws Exception {
        port = Trust.enableHttps();
        for (String p : List.of("ta", "tb")) {
            // features off: ta and tb use default's profiles and custom volumes
            assertEquals(200, given().contentType("application/json").body(toJson(Map.of("name", p, "config",
                    Map.of("features.images", "false", "features.profiles", "false", "features.storage.volumes", "false"))))
                    .when().post("/1.0/projects").statusCode());
            ok(given().queryParam("project", p).contentType("application/json")
                    .body(toJson(Map.of("name", "c1", "source", Map.of("type", "none")))).when().post("/1.0/instances"));
        }
        ok(Instances.create(Map.of("name", "c1", "source", Map.of("type", "none"))));
        tenant = ClientIdentity.create("tenant-ta");
        Trust.trust(tenant, "tenant-ta", true, List.of("ta"));
    }

    @AfterAll
    static void tearDown() {
        if (daemon == null || !daemon.isAlive()) {
            return;
        }
        for (String p : List.of("tc", "td")) {
            given().queryParam("project", p).when().delete("/1.0/storage-pools/default/volumes/custom/v");
            given().queryParam("project", p).when().delete("/1.0/profiles/p");
        }
        for (String p : List.of("ta", "tb", "tc", "td")) {
            for (String n : List.of("c1", "c2")) {
                Response d = given().queryParam("project", p).when().delete("/1.0/instances/" + n);
                if (d.statusCode() == 202) {
                    Instances.await(d);
                }
            }
            given().when().delete("/1.0/projects/" + p);
        }
        Instances.cleanup(daemon);
    }

    private static HttpsClient client() {
        return new HttpsClient(port, tenant);
    }

    @Test
    void seesAndTouchesOnlyItsProject() {
        try (HttpsClient t = client()) {
            assertEquals(List.of("/1.0/instances/c1?project=ta"), JSON.convertValue(t.get("/1.0/instances?project=ta").metadata(), List.class));
            assertEquals(List.of("/1.0/instances/c1?project=ta"),
                    JSON.convertValue(t.get("/1.0/instances?all-projects=true").metadata(), List.class), "all-projects: its own only");
            assertEquals(200, t.get("/1.0/instances/c1?project=ta").status());
            assertEquals(403, t.get("/1.0/instances/c1?project=tb").status());
            assertEquals(403, t.get("/1.0/instances/c1").status(), "default is not its project");
            assertEquals(403, t.get("/1.0/instances?project=tb").status());
            assertEquals(404, t.get("/1.0/instances/tb_c1?project=ta").status(), "a host-wide key is no name");
            assertEquals(403, t.send("DELETE", "/1.0/instances/c1?project=tb", null).status());
            assertEquals(403, t.send("PUT", "/1.0/instances/c1/state?project=tb", "{\"action\":\"start\"}").status());
            assertEquals(403, t.send("POST", "/1.0/instances?project=tb", toJson(Map.of("name", "x", "source", Map.of("type", "none")))).status());
            // no host path, and no custom volume of default's, even in its own project
            HttpsClient.Answer host = t.send("POST", "/1.0/instances?project=ta", toJson(Map.of("name", "x", "source", Map.of("type", "none"),
                    "devices", Map.of("h", Map.of("type", "disk", "source", "/etc", "path", "/mnt")))));
            assertEquals(403, host.status(), host::toString);
            HttpsClient.Answer vol = t.send("POST", "/1.0/instances?project=ta", toJson(Map.of("name", "x", "source", Map.of("type", "none"),
                    "devices", Map.of("v", Map.of("type", "disk", "pool", "default", "source", "v1", "path", "/mnt")))));
            assertEquals(403, vol.status(), vol::toString);
            // it works in its own project
            HttpsClient.Answer created = t.send("POST", "/1.0/instances?project=ta", toJson(Map.of("name", "c2", "source", Map.of("type", "none"))));
            assertEquals(202, created.status(), created::toString);
            HttpsClient.Answer waited = t.get(created.json().get("operation").asText() + "/wait?timeout=60");
            assertEquals("Success", waited.metadata().get("status").asText(), waited::toString);
            assertEquals("ta", t.get("/1.0/instances/c2?project=ta").metadata().get("project").asText());
            // projects: its own only, read-only
            assertEquals(List.of("/1.0/projects/ta"), JSON.convertValue(t.get("/1.0/projects").metadata(), List.class));
            assertEquals(200, t.get("/1.0/projects/ta").status());
            assertEquals(200, t.get("/1.0/projects/ta/state").status());
            assertEquals(403, t.get("/1.0/projects/tb").status());
            assertEquals(403, t.send("POST", "/1.0/projects", "{\"name\":\"mine\"}").status(), "a restricted client creates no project");
            assertEquals(403, t.send("PATCH", "/1.0/projects/ta", "{\"config\":{\"restricted\":\"false\"}}").status());
            assertEquals(403, t.send("DELETE", "/1.0/projects/tb", null).status());
            // what ta shares with default (features off) it may read, not change
            assertEquals(200, t.get("/1.0/profiles?project=ta").status());
            assertEquals(403, t.send("PATCH", "/1.0/profiles/default?project=ta", "{\"config\":{\"security.privileged\":\"true\"}}").status());
            assertEquals(403, t.send("POST", "/1.0/storage-pools/default/volumes/custom?project=ta", "{\"name\":\"v\"}").status());
        }
    }

    @Test
    void aTenantSeesOnlyItsOwnProjectsProfilesAndVolumes() throws Exception {
        for (String p : List.of("tc", "td")) {
            assertEquals(200, given().contentType("application/json").body(toJson(Map.of("name", p))).when().post("/1.0/projects").statusCode());
        }
        String fp = Instances.importImage(Instances.busyboxImage()); // default's image
        ClientIdentity id = ClientIdentity.create("tenant-tc");
        Trust.trust(id, "tenant-tc", true, List.of("tc"));
        // td (and default) get a profile "p" and a volume "v" of their own
        for (String p : List.of("td", "default")) {
            assertEquals(200, given().queryParam("project", p).contentType("application/json").body("{\"name\":\"p\",\"config\":{\"user.of\":\"" + p + "\"}}")
                    .when().post("/1.0/profiles").statusCode());
            ok(given().queryParam("project", p).contentType("application/json").body("{\"name\":\"v\"}")
                    .when().post("/1.0/storage-pools/default/volumes/custom"));
        }
        try (HttpsClient t = new HttpsClient(port, id)) {
            // its own project has the features: it makes its own "p" and "v" (no access to default needed)
            assertEquals(200, t.send("POST", "/1.0/profiles?project=tc", "{\"name\":\"p\",\"config\":{\"user.of\":\"tc\"}}").status());
            HttpsClient.Answer vol = t.send("POST", "/1.0/storage-pools/default/volumes/custom?project=tc", "{\"name\":\"v\"}");
            assertEquals(202, vol.status(), vol::toString);
            assertEquals("Success", t.get(vol.json().get("operation").asText() + "/wait?timeout=60").metadata().get("status").asText());
            assertEquals("tc", t.get("/1.0/profiles/p?project=tc").metadata().get("config").get("user.of").asText());
            assertEquals(List.of("/1.0/profiles/default?project=tc", "/1.0/profiles/p?project=tc"),
                    JSON.convertValue(t.get("/1.0/profiles?project=tc").metadata(), List.class));
            assertEquals(List.of("/1.0/storage-pools/default/volumes/custom/v?project=tc"),
                    JSON.convertValue(t.get("/1.0/storage-pools/default/volumes/custom?project=tc").metadata(), List.class));
            // td's and default's: refused, and never listed
            for (String other : List.of("td", "default")) {
                assertEquals(403, t.get("/1.0/profiles?project=" + other).status());
                assertEquals(403, t.get("/1.0/profiles/p?project=" + other).status());
                assertEquals(403, t.get("/1.0/storage-pools/default/volumes/custom/v?project=" + other).status());
                assertEquals(403, t.get("/1.0/storage-pools/default/volumes/custom/v/state?project=" + other).status());
                assertEquals(403, t.send("DELETE", "/1.0/profiles/p?project=" + other, null).status());
            }
            // default's images are not tc's (features.images): not listed, not found; default's own lists show it only
            // public images (the image lists are public routes, as in LXD), and this one is private
            assertEquals(List.of(), JSON.convertValue(t.get("/1.0/images?project=tc").metadata(), List.class));
            assertEquals(404, t.get("/1.0/images/" + fp + "?project=tc").status());
            assertEquals(List.of(), JSON.convertValue(t.get("/1.0/images?project=default").metadata(), List.class));
            assertEquals(404, t.get("/1.0/images/" + fp + "?project=default").status());
            // nor through its own project by a stored key
            assertEquals(404, t.get("/1.0/profiles/td_p?project=tc").status());
            assertEquals(404, t.get("/1.0/storage-pools/default/volumes/custom/td_v?project=tc").status());
            List<String> all = new java.util.ArrayList<>();
            t.get("/1.0/storage-pools/default/volumes/custom?all-projects=true&recursion=1").metadata()
                    .forEach(v -> all.add(v.get("project").asText() + "/" + v.get("name").asText()));
            assertEquals(List.of("tc/v"), all);
            assertEquals(200, t.send("DELETE", "/1.0/storage-pools/default/volumes/custom/v?project=tc", null).status());
        }
        // what the tenant made is tc's: td's and default's are unchanged
        assertEquals("td", json(given().queryParam("project", "td").when().get("/1.0/profiles/p")).get("metadata").get("config").get("user.of").asText());
        assertEquals("default", json(given().when().get("/1.0/profiles/p")).get("metadata").get("config").get("user.of").asText());
        assertEquals(200, given().queryParam("project", "td").when().get("/1.0/storage-pools/default/volumes/custom/v").statusCode());
        for (String p : List.of("tc", "td", "default")) {
            given().queryParam("project", p).when().delete("/1.0/storage-pools/default/volumes/custom/v");
            assertEquals(200, given().queryParam("project", p).when().delete("/1.0/profiles/p").statusCode());
        }
        for (String p : List.of("tc", "td")) {
            assertEquals(200, given().when().delete("/1.0/projects/" + p).statusCode());
        }
    }

    @Test
    void operationsOfAnotherProjectAreNotFound() {
        Response put = given().queryParam("project", "tb").contentType("application/json").body("{\"description\":\"in tb\",\"profiles\":[\"default\"]}")
                .when().put("/1.0/instances/c1");
        JsonNode op = ok(put);
        String id = op.get("id").asText();
        try (HttpsClient t = client()) {
            assertEquals(404, t.get("/1.0/operations/" + id + "?project=ta").status());
            assertEquals(404, t.get("/1.0/operations/" + id + "/wait?project=ta&timeout=1").status());
            assertEquals(404, t.send("DELETE", "/1.0/operations/" + id + "?project=ta", null).status());
            assertFalse(t.get("/1.0/operations?all-projects=true").body().contains(id), "not listed");
            assertFalse(t.get("/1.0/operations?project=ta").body().contains(id), "not listed");
            // its own project's operation is there
            HttpsClient.Answer mine = t.send("PUT", "/1.0/instances/c1?project=ta", "{\"description\":\"in ta\",\"profiles\":[\"default\"]}");
            assertEquals(202, mine.status(), mine::toString);
            String myId = mine.json().get("metadata").get("id").asText();
            assertEquals(200, t.get("/1.0/operations/" + myId + "/wait?project=ta&timeout=60").status());
            assertTrue(t.get("/1.0/operations?project=ta&recursion=0").body().contains(myId));
        }
    }

    @Test
    void eventsOfAnotherProjectNeverReachIt() throws Exception {
        try (HttpsClient t = client()) {
            HttpsClient.Ws all = t.websocket("/1.0/events?type=lifecycle&all-projects=true");
            HttpsClient.Ws own = t.websocket("/1.0/events?type=lifecycle&project=ta");
            assertEquals(200, given().queryParam("project", "tb").contentType("application/json")
                    .body("{\"description\":\"tb event\"}").when().patch("/1.0/instances/c1").statusCode());
            assertEquals(200, given().contentType("application/json").body("{\"description\":\"default event\"}")
                    .when().patch("/1.0/instances/c1").statusCode());
            assertEquals(200, given().queryParam("project", "ta").contentType("application/json")
                    .body("{\"description\":\"ta event\"}").when().patch("/1.0/instances/c1").statusCode());
            for (HttpsClient.Ws ws : List.of(all, own)) {
                String m = ws.await("instance-updated", Duration.ofSeconds(30));
                assertTrue(m.contains("\"project\":\"ta\""), m);
                List<String> rest = ws.drain();
                assertTrue(rest.stream().noneMatch(x -> x.contains("\"project\":\"tb\"") || x.contains("\"project\":\"default\"")),
                        () -> "events of other projects: " + rest);
            }
            all.socket().abort();
            own.socket().abort();
        }
    }
}
