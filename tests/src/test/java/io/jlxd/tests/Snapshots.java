package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Helpers of the snapshot tests. */
final class Snapshots {
    private Snapshots() {
    }

    static Path volume(JlxdDaemon d, String instance) {
        return d.dataDir().resolve("storage-pools/default/containers/" + instance);
    }

    static Path snapshotVolume(JlxdDaemon d, String instance, String snap) {
        return d.dataDir().resolve("storage-pools/default/containers-snapshots/" + instance + "/" + snap);
    }

    static Response post(String instance, Map<String, Object> body) {
        return given().contentType("application/json").body(Instances.toJson(body)).when().post("/1.0/instances/" + instance + "/snapshots");
    }

    /** Takes a snapshot and returns its name (from the operation's metadata). */
    static String take(String instance, Map<String, Object> body) {
        JsonNode op = Instances.ok(post(instance, body));
        return op.get("metadata").get("name").asText();
    }

    static JsonNode get(String instance, String snap) {
        Response r = given().when().get("/1.0/instances/" + instance + "/snapshots/" + snap);
        assertEquals(200, r.statusCode(), r::asString);
        return Instances.json(r).get("metadata");
    }

    static List<String> names(String instance) {
        Response r = given().when().get("/1.0/instances/" + instance + "/snapshots");
        assertEquals(200, r.statusCode(), r::asString);
        List<String> out = new ArrayList<>();
        Instances.json(r).get("metadata").forEach(n -> out.add(n.asText().substring(n.asText().lastIndexOf('/') + 1)));
        return out;
    }

    static Response restore(String instance, String snap, boolean stateful) {
        return given().contentType("application/json").body(Instances.toJson(Map.of("restore", snap, "stateful", stateful)))
                .when().put("/1.0/instances/" + instance);
    }

    static Response patchConfig(String instance, Map<String, String> config) {
        return given().contentType("application/json").body(Instances.toJson(Map.of("config", config))).when().patch("/1.0/instances/" + instance);
    }

    static Jlxc.Result exec(JlxdDaemon d, String instance, String script) {
        Jlxc.Result r = Jlxc.run(d.dataDir(), "exec", instance, "--", "sh", "-c", script);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }
}
