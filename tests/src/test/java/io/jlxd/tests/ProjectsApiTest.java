package io.jlxd.tests;

import static io.jlxd.tests.Instances.await;
import static io.jlxd.tests.Instances.ok;
import static io.jlxd.tests.ServerConfigApiTest.assertError;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * /1.0/projects against a real daemon: the default project, CRUD and bad input, instances of the same name in two
 * projects (running busybox containers: separate liblxc containers, cgroups, volumes, host names), features off
 * (default's profiles and images), limits and restrictions with LXD's messages, and nothing left after deleting.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProjectsApiTest extends DaemonTestBase {
    private static String fingerprint;

    @BeforeAll
    static void image() {
        Instances.openTempRoot(daemon);
        fingerprint = Instances.importImage(Instances.busyboxImage());
    }

    @AfterAll
    static void cleanup() {
        if (daemon == null || !daemon.isAlive()) {
            return;
        }
        for (String p : List.of("p1", "lim", "res", "fa", "fb", "rp", "lp", "ia", "dk")) {
            for (String url : allInstances()) {
                if (url.endsWith("?project=" + p)) {
                    String n = url.substring("/1.0/instances/".length(), url.indexOf('?'));
                    Response stop = given().queryParam("project", p).contentType("application/json")
                            .body("{\"action\":\"stop\",\"force\":true}").when().put("/1.0/instances/" + n + "/state");
                    if (stop.statusCode() == 202) {
                        await(stop);
                    }
                    await(given().queryParam("project", p).when().delete("/1.0/instances/" + n));
                }
            }
            if (given().when().get("/1.0/projects/" + p).statusCode() == 200) {
                for (JsonNode v : json(given().queryParam("project", p).when().get("/1.0/storage-pools/default/volumes/custom")).get("metadata")) {
                    String n = v.asText().replaceAll(".*/custom/([^?]+).*", "$1");
                    given().queryParam("project", p).when().delete("/1.0/storage-pools/default/volumes/custom/" + n);
                }
                for (JsonNode v : json(given().queryParam("project", p).when().get("/1.0/profiles")).get("metadata")) {
                    String n = v.asText().replaceAll("/1.0/profiles/([^?]+).*", "$1");
                    given().queryParam("project", p).when().delete("/1.0/profiles/" + n);
                }
            }
            if (given().when().get("/1.0/projects/" + p).statusCode() == 200) {
                for (JsonNode i : json(given().queryParam("project", p).when().get("/1.0/images")).get("metadata")) {
                    String fp = i.asText().replaceAll("/1.0/images/([0-9a-f]+).*", "$1");
                    await(given().queryParam("project", p).when().delete("/1.0/images/" + fp));
                }
            }
            given().when().delete("/1.0/projects/" + p);
        }
        for (String v : List.of("v1", "v2")) {
            given().queryParam("project", "dk").when().delete("/1.0/storage-pools/" + DISK_POOL + "/volumes/custom/" + v);
        }
        given().when().delete("/1.0/storage-pools/" + DISK_POOL);
        Instances.cleanup(daemon);
    }

    private static List<String> allInstances() {
        List<String> out = new ArrayList<>();
        json(given().queryParam("all-projects", "true").when().get("/1.0/instances")).get("metadata").forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Response createProject(Object body) {
        return given().contentType("application/json").body(toJson(body)).when().post("/1.0/projects");
    }

    private static JsonNode project(String name) {
        Response r = given().when().get("/1.0/projects/" + name);
        assertEquals(200, r.statusCode(), r::asString);
        return json(r).get("metadata");
    }

    /** A project that uses default's profiles and custom volumes (its features off). */
    private static final Map<String, String> SHARED = Map.of("features.images", "false", "features.profiles", "false",
            "features.storage.volumes", "false");

    private static Map<String, String> shared(Map<String, String> config) {
        Map<String, String> c = new HashMap<>(config);
        c.putAll(SHARED);
        return c;
    }

    private static Response createIn(String project, Map<String, Object> body) {
        return given().queryParam("project", project).contentType("application/json").body(toJson(body)).when().post("/1.0/instances");
    }

    private static Map<String, Object> empty(String name) {
        return new HashMap<>(Map.of("name", name, "source", Map.of("type", "none")));
    }

    private static JsonNode instanceIn(String project, String name) {
        Response r = given().queryParam("project", project).when().get("/1.0/instances/" + name);
        assertEquals(200, r.statusCode(), r::asString);
        return json(r).get("metadata");
    }

    @Test
    @Order(1)
    void theDefaultProjectAlwaysExists() {
        Response l = given().when().get("/1.0/projects");
        assertEquals(List.of("/1.0/projects/default"), JSON.convertValue(json(l).get("metadata"), List.class));
        JsonNode d = project("default");
        assertEquals("true", d.get("config").get("features.images").asText());
        assertEquals("true", d.get("config").get("features.profiles").asText());
        assertTrue(d.get("used_by").toString().contains("/1.0/profiles/default"), d::toString);
        assertError(given().when().delete("/1.0/projects/default"), 403, "'default' project cannot be deleted");
        assertError(given().contentType("application/json").body("{\"name\":\"other\"}").when().post("/1.0/projects/default"),
                403, "'default' project cannot be renamed");
        assertError(given().contentType("application/json").body(toJson(Map.of("config", Map.of("features.images", "false"))))
                .when().patch("/1.0/projects/default"), 400, "Features");
        Response state = given().when().get("/1.0/projects/default/state");
        assertEquals(200, state.statusCode(), state::asString);
        assertEquals(-1, json(state).get("metadata").get("resources").get("instances").get("limit").asLong());
    }

    @Test
    @Order(2)
    void badProjectsAreRefusedAndChangeNothing() {
        assertError(createProject(Map.of("name", "a/b")), 400, "slashes");
        assertError(createProject(Map.of("name", "a b")), 400, "spaces");
        assertError(createProject(Map.of("name", "a_b")), 400, "underscores");
        assertError(createProject(Map.of("name", "..")), 400, "Invalid project name");
        assertError(createProject(Map.of("name", "*")), 400, "Reserved");
        assertError(createProject(Map.of("name", "")), 400, "No name");
        assertError(createProject(Map.of("name", "x", "config", Map.of("bogus", "1"))), 400, "bogus");
        assertError(createProject(Map.of("name", "x", "config", Map.of("limits.instances", "many"))), 400, "limits.instances");
        assertError(createProject(Map.of("name", "x", "config", Map.of("restricted.containers.nesting", "sometimes"))), 400,
                "restricted.containers.nesting");
        assertError(given().header(ContractFilter.invalidRequest()).contentType("application/json").body("{\"name\":\"x\",\"y\":1}")
                .when().post("/1.0/projects"), 400, "y");
        assertEquals(1, json(given().when().get("/1.0/projects")).get("metadata").size());
        assertError(given().when().get("/1.0/projects/x"), 404, "Project not found");
        assertError(given().queryParam("project", "x").when().get("/1.0/instances"), 404, "Project not found");
        assertError(given().queryParam("project", "x").when().get("/1.0/profiles"), 404, "Project not found");
    }

    @Test
    @Order(3)
    void crudEtagsAndRename() {
        assertEquals(200, createProject(Map.of("name", "tmp", "description", "t", "config", Map.of("user.a", "b"))).statusCode());
        assertError(createProject(Map.of("name", "tmp")), 409, "already exists");
        JsonNode p = project("tmp");
        // LXD fills the features the request leaves out: on
        assertEquals("true", p.get("config").get("features.images").asText());
        assertEquals("true", p.get("config").get("features.profiles").asText());
        assertEquals("true", p.get("config").get("features.storage.volumes").asText());
        assertEquals("b", p.get("config").get("user.a").asText());
        String etag = given().when().get("/1.0/projects/tmp").getHeader("ETag");
        assertError(given().header("If-Match", "stale").contentType("application/json").body("{\"description\":\"x\"}")
                .when().put("/1.0/projects/tmp"), 412);
        assertEquals(200, given().header("If-Match", etag).contentType("application/json")
                .body(toJson(Map.of("config", Map.of("limits.instances", "3")))).when().put("/1.0/projects/tmp").statusCode());
        assertEquals("", project("tmp").get("description").asText(), "PUT replaces the description");
        assertEquals(200, given().contentType("application/json").body(toJson(Map.of("config", Map.of("limits.instances", ""))))
                .when().patch("/1.0/projects/tmp").statusCode());
        assertFalse(project("tmp").get("config").has("limits.instances"));
        assertEquals("Success", ok(given().contentType("application/json").body("{\"name\":\"tmp2\"}").when()
                .post("/1.0/projects/tmp")).get("status").asText());
        assertError(given().when().get("/1.0/projects/tmp"), 404);
        assertEquals(200, given().when().delete("/1.0/projects/tmp2").statusCode());
        assertError(given().when().delete("/1.0/projects/tmp2"), 404);
    }

    @Test
    @Order(4)
    void theSameNamesInTwoProjectsAreSeparateContainers() throws Exception {
        assertEquals(200, createProject(Map.of("name", "p1", "config", SHARED)).statusCode());
        Map<String, Object> c1 = new HashMap<>(Map.of("name", "c1", "source", Map.of("type", "image", "fingerprint", fingerprint)));
        ok(Instances.create(c1));
        ok(createIn("p1", c1));
        assertError(createIn("p1", c1), 409, "already exists");
        assertEquals("p1", instanceIn("p1", "c1").get("project").asText());
        assertEquals("c1", instanceIn("p1", "c1").get("name").asText());
        assertEquals("default", Instances.instance("c1").get("project").asText());
        assertEquals(List.of("/1.0/instances/c1"), JSON.convertValue(json(given().when().get("/1.0/instances")).get("metadata"), List.class));
        assertEquals(List.of("/1.0/instances/c1?project=p1"),
                JSON.convertValue(json(given().queryParam("project", "p1").when().get("/1.0/instances")).get("metadata"), List.class));
        assertEquals(List.of("/1.0/instances/c1", "/1.0/instances/c1?project=p1"), allInstances().stream().sorted().toList());
        assertError(given().queryParam("all-projects", "true").queryParam("project", "p1")
                .when().get("/1.0/instances"), 400, "Cannot specify a project");
        assertError(given().when().get("/1.0/instances/p1_c1"), 404, "Instance not found");
        assertEquals(List.of("/1.0/instances/c1?project=p1"), JSON.convertValue(project("p1").get("used_by"), List.class));

        // features off: p1 sees default's profiles and images
        assertEquals(List.of("/1.0/profiles/default"),
                JSON.convertValue(json(given().queryParam("project", "p1").when().get("/1.0/profiles")).get("metadata"), List.class));
        assertEquals(200, given().queryParam("project", "p1").when().get("/1.0/images/" + fingerprint).statusCode());

        // both run at once: separate liblxc containers, volumes and cgroups; the host name inside is the instance's name
        ok(Instances.action("c1", Map.of("action", "start")));
        ok(given().queryParam("project", "p1").contentType("application/json").body("{\"action\":\"start\"}")
                .when().put("/1.0/instances/c1/state"));
        Path containers = daemon.dataDir().resolve("containers");
        assertTrue(Files.isDirectory(containers.resolve("c1")) && Files.isDirectory(containers.resolve("p1_c1")));
        assertTrue(Files.isDirectory(daemon.dataDir().resolve("storage-pools/default/containers/p1_c1")));
        long pidDefault = Instances.state("c1").get("pid").asLong();
        Response st = given().queryParam("project", "p1").when().get("/1.0/instances/c1/state");
        long pidP1 = json(st).get("metadata").get("pid").asLong();
        assertNotEquals(pidDefault, pidP1);
        assertTrue(Files.readString(Path.of("/proc/" + pidP1 + "/cgroup")).contains("/p1_c1"), "p1's c1 has its own cgroup");
        Process host = new ProcessBuilder("nsenter", "--target", Long.toString(pidP1), "--uts", "hostname").start();
        assertEquals("c1", new String(host.getInputStream().readAllBytes()).trim());
        assertEquals(0, host.waitFor());

        // operations and events carry the project; lists are per project
        try (EventStream events = EventStream.open(daemon.socket(), "type=lifecycle&project=p1")) {
            ok(given().queryParam("project", "p1").contentType("application/json").body("{\"action\":\"stop\",\"force\":true}")
                    .when().put("/1.0/instances/c1/state"));
            JsonNode e = events.await(ev -> ev.get("metadata").get("action").asText().equals("instance-stopped")
                    || ev.get("metadata").get("action").asText().equals("instance-shutdown"), Duration.ofSeconds(30), "p1's stop");
            assertEquals("p1", e.get("project").asText());
            assertEquals("/1.0/instances/c1?project=p1", e.get("metadata").get("source").asText());
            ok(Instances.action("c1", Map.of("action", "stop", "force", true)));
            List<JsonNode> seen = events.receivedAfter(Duration.ofMillis(300));
            assertTrue(seen.stream().allMatch(ev -> ev.get("project").asText().equals("p1")), () -> "default's events leaked: " + seen);
        }
        JsonNode ops = json(given().queryParam("project", "p1").queryParam("recursion", 1).when().get("/1.0/operations")).get("metadata");
        ops.forEach(group -> group.forEach(op -> assertTrue(!op.get("resources").has("instances")
                || op.get("resources").toString().contains("?project=p1"), op::toString)));
        assertTrue(ops.toString().contains("?project=p1"), ops::toString);

        // a project with instances can be neither deleted nor renamed
        assertError(given().when().delete("/1.0/projects/p1"), 409, "Only empty projects can be removed");
        assertError(given().contentType("application/json").body("{\"name\":\"p9\"}").when().post("/1.0/projects/p1"), 400,
                "Only empty projects can be renamed");
        // rename within the project keeps the project
        ok(given().queryParam("project", "p1").contentType("application/json").body("{\"name\":\"c2\"}").when().post("/1.0/instances/c1"));
        assertEquals("p1", instanceIn("p1", "c2").get("project").asText());
        assertTrue(Files.isDirectory(daemon.dataDir().resolve("storage-pools/default/containers/p1_c2")));
        // publishing names the instance in its project (the image goes to the images every project shares)
        Response pub = given().queryParam("project", "p1").contentType("application/json")
                .body(toJson(Map.of("source", Map.of("type", "instance", "name", "c2")))).when().post("/1.0/images");
        String published = ok(pub).get("metadata").get("fingerprint").asText();
        assertEquals(200, given().when().get("/1.0/images/" + published).statusCode());
        ok(given().when().delete("/1.0/images/" + published));
        assertError(given().contentType("application/json").body(toJson(Map.of("source", Map.of("type", "instance", "name", "c2"))))
                .when().post("/1.0/images"), 404);
        ok(given().queryParam("project", "p1").when().delete("/1.0/instances/c2"));
        ok(given().when().delete("/1.0/instances/c1"));
        assertEquals(200, given().when().delete("/1.0/projects/p1").statusCode());
        try (var left = Files.list(containers)) {
            assertEquals(List.of(), left.toList(), "no container left");
        }
        try (var left = Files.list(daemon.dataDir().resolve("storage-pools/default/containers"))) {
            assertEquals(List.of(), left.toList(), "no volume left");
        }
    }

    @Test
    @Order(5)
    void limitsRefuseTheInstanceOrMemoryOverTheLimit() {
        assertEquals(200, createProject(Map.of("name", "lim", "config", shared(Map.of("limits.instances", "2", "limits.memory", "96MiB")))).statusCode());
        assertError(createIn("lim", empty("a")), 400, "has no \"limits.memory\" config");
        Map<String, Object> a = empty("a");
        a.put("config", Map.of("limits.memory", "64MiB"));
        ok(createIn("lim", a));
        Map<String, Object> b = empty("b");
        b.put("config", Map.of("limits.memory", "64MiB"));
        assertError(createIn("lim", b), 400, "Reached maximum aggregate value \"96MiB\" for \"limits.memory\" in project \"lim\"");
        b.put("config", Map.of("limits.memory", "32MiB"));
        ok(createIn("lim", b));
        Map<String, Object> c = empty("c");
        c.put("config", Map.of("limits.memory", "4MiB"));
        assertError(createIn("lim", c), 400, "Reached maximum number of instances in project \"lim\"");
        // raising an instance's memory over the sum is refused too, and changes nothing
        assertError(given().queryParam("project", "lim").contentType("application/json")
                .body(toJson(Map.of("config", Map.of("limits.memory", "128MiB")))).when().patch("/1.0/instances/a"), 400, "limits.memory");
        assertEquals("64MiB", instanceIn("lim", "a").get("config").get("limits.memory").asText());
        JsonNode res = json(given().when().get("/1.0/projects/lim/state")).get("metadata").get("resources");
        assertEquals(2, res.get("instances").get("usage").asLong());
        assertEquals(2, res.get("instances").get("limit").asLong());
        assertEquals(96L << 20, res.get("memory").get("usage").asLong());
        assertEquals(96L << 20, res.get("memory").get("limit").asLong());
        // a limit below what is in use is refused
        assertError(given().contentType("application/json").body(toJson(Map.of("config", Map.of("limits.instances", "1"))))
                .when().patch("/1.0/projects/lim"), 400, "limits.instances");
        assertError(given().contentType("application/json").body(toJson(Map.of("config", Map.of("limits.processes", "100"))))
                .when().patch("/1.0/projects/lim"), 400, "has no \"limits.processes\" config");
        ok(given().queryParam("project", "lim").when().delete("/1.0/instances/a"));
        ok(given().queryParam("project", "lim").when().delete("/1.0/instances/b"));
        assertEquals(200, given().when().delete("/1.0/projects/lim").statusCode());
    }

    @Test
    @Order(6)
    void restrictionsRefuseWithLxdsMessages() {
        assertEquals(200, createProject(Map.of("name", "res", "config", shared(Map.of("restricted", "true")))).statusCode());
        for (Map.Entry<String, String> bad : Map.of("security.privileged", "Privileged containers are forbidden",
                "security.nesting", "Container nesting is forbidden").entrySet()) {
            Map<String, Object> b = empty("x");
            b.put("config", Map.of(bad.getKey(), "true"));
            assertError(createIn("res", b), 400, bad.getValue(), "project \"res\"");
        }
        Map<String, Object> raw = empty("x");
        raw.put("config", Map.of("raw.lxc", "lxc.environment = A=1"));
        assertError(createIn("res", raw), 400, "raw.lxc is forbidden");
        Map<String, Object> disk = empty("x");
        disk.put("devices", Map.of("data", Map.of("type", "disk", "source", "/srv", "path", "/mnt")));
        assertError(createIn("res", disk), 400, "Attaching disks not backed by a pool is forbidden");
        Map<String, Object> proxy = empty("x");
        proxy.put("devices", Map.of("p", Map.of("type", "proxy", "listen", "tcp:127.0.0.1:1", "connect", "tcp:127.0.0.1:2")));
        assertError(createIn("res", proxy), 400, "Proxy devices are forbidden");
        assertEquals(0, json(given().queryParam("project", "res").when().get("/1.0/instances")).get("metadata").size(),
                "nothing was created");

        ok(createIn("res", empty("ok1")));
        assertError(given().queryParam("project", "res").contentType("application/json").body("{\"name\":\"s0\"}")
                .when().post("/1.0/instances/ok1/snapshots"), 403, "Snapshots are forbidden");
        assertError(given().queryParam("project", "res").contentType("application/json")
                .body(toJson(Map.of("config", Map.of("security.nesting", "true")))).when().patch("/1.0/instances/ok1"), 400, "nesting");
        // allowing nesting lets it through; restricting again with a nesting instance inside is refused
        assertEquals(200, given().contentType("application/json").body(toJson(Map.of("config", Map.of("restricted.containers.nesting", "allow"))))
                .when().patch("/1.0/projects/res").statusCode());
        assertEquals(200, given().queryParam("project", "res").contentType("application/json")
                .body(toJson(Map.of("config", Map.of("security.nesting", "true")))).when().patch("/1.0/instances/ok1").statusCode());
        assertError(given().contentType("application/json").body(toJson(Map.of("config", Map.of("restricted.containers.nesting", "block"))))
                .when().patch("/1.0/projects/res"), 400, "Container nesting is forbidden");
        assertEquals("allow", project("res").get("config").get("restricted.containers.nesting").asText());
        ok(given().queryParam("project", "res").when().delete("/1.0/instances/ok1"));
        assertEquals(200, given().when().delete("/1.0/projects/res").statusCode());
    }

    private static List<String> urls(Response r) {
        assertEquals(200, r.statusCode(), r::asString);
        List<String> out = new ArrayList<>();
        json(r).get("metadata").forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Response postIn(String project, String path, Object body) {
        return given().queryParam("project", project).contentType("application/json").body(toJson(body)).when().post(path);
    }

    private static final Map<String, Object> ROOT = Map.of("root", Map.of("type", "disk", "path", "/", "pool", "default"));

    @Test
    @Order(7)
    void withTheFeaturesOnAProjectHasItsOwnProfilesAndVolumes() {
        assertEquals(200, createProject(Map.of("name", "fa", "config", Map.of("features.images", "false"))).statusCode());
        // LXD's fresh project: its own, empty default profile
        assertEquals(List.of("/1.0/profiles/default?project=fa"), JSON.convertValue(project("fa").get("used_by"), List.class));
        assertEquals(List.of("/1.0/profiles/default?project=fa"), urls(given().queryParam("project", "fa").when().get("/1.0/profiles")));
        JsonNode own = json(given().queryParam("project", "fa").when().get("/1.0/profiles/default")).get("metadata");
        assertEquals("fa", own.get("project").asText());
        assertEquals("Default LXD profile for project fa", own.get("description").asText());
        assertEquals(0, own.get("devices").size(), own::toString);
        assertError(createIn("fa", empty("c1")), 400, "No root device could be found");
        assertEquals(List.of("/1.0/profiles/default"), urls(given().when().get("/1.0/profiles")), "default's list shows only its own");

        // the same profile name in default and in fa: two profiles
        ok0(postIn("fa", "/1.0/profiles", Map.of("name", "web", "devices", ROOT, "config", Map.of("user.where", "fa"))));
        ok0(postIn("default", "/1.0/profiles", Map.of("name", "web", "config", Map.of("user.where", "default"))));
        assertError(postIn("fa", "/1.0/profiles", Map.of("name", "web")), 409, "already exists");
        assertEquals("fa", json(given().queryParam("project", "fa").when().get("/1.0/profiles/web")).get("metadata")
                .get("config").get("user.where").asText());
        assertEquals("default", json(given().when().get("/1.0/profiles/web")).get("metadata").get("config").get("user.where").asText());
        // a default name that would read as fa's stored key is refused
        assertError(postIn("default", "/1.0/profiles", Map.of("name", "fa_web")), 400, "reserved");

        // an instance of fa uses fa's profiles
        // ... and default's images (features.images off)
        Map<String, Object> c1 = new HashMap<>(Map.of("name", "c1", "source", Map.of("type", "image", "fingerprint", fingerprint)));
        c1.put("profiles", List.of("default", "web"));
        ok(createIn("fa", c1));
        JsonNode inst = instanceIn("fa", "c1");
        assertEquals(List.of("default", "web"), JSON.convertValue(inst.get("profiles"), List.class));
        assertEquals("fa", inst.get("expanded_config").get("user.where").asText());
        assertEquals(List.of("/1.0/instances/c1?project=fa"),
                JSON.convertValue(json(given().queryParam("project", "fa").when().get("/1.0/profiles/web")).get("metadata").get("used_by"), List.class));
        assertEquals(0, json(given().when().get("/1.0/profiles/web")).get("metadata").get("used_by").size());
        // snapshots and copies (with their snapshots) name the profiles by their names in the project
        ok(postIn("fa", "/1.0/instances/c1/snapshots", Map.of("name", "s0")));
        assertEquals(List.of("default", "web"), JSON.convertValue(json(given().queryParam("project", "fa")
                .when().get("/1.0/instances/c1/snapshots/s0")).get("metadata").get("profiles"), List.class));
        ok(postIn("fa", "/1.0/instances", Map.of("name", "c3", "source", Map.of("type", "copy", "source", "c1"))));
        assertEquals(List.of("default", "web"), JSON.convertValue(instanceIn("fa", "c3").get("profiles"), List.class));
        assertEquals(List.of("default", "web"), JSON.convertValue(json(given().queryParam("project", "fa")
                .when().get("/1.0/instances/c3/snapshots/s0")).get("metadata").get("profiles"), List.class));
        ok(given().queryParam("project", "fa").when().delete("/1.0/instances/c3"));
        ok(given().queryParam("project", "fa").when().delete("/1.0/instances/c1/snapshots/s0"));
        Map<String, Object> bad = empty("c2");
        bad.put("profiles", List.of("web", "nosuch"));
        assertError(createIn("fa", bad), 400, "Profile \"nosuch\" not found");

        // custom volumes: the same name in default and in fa, separate directories (fa's under the key fa_v)
        ok(postIn("default", "/1.0/storage-pools/default/volumes/custom", Map.of("name", "v")));
        ok(postIn("fa", "/1.0/storage-pools/default/volumes/custom", Map.of("name", "v")));
        assertError(postIn("fa", "/1.0/storage-pools/default/volumes/custom", Map.of("name", "v")), 409, "already exists");
        Path custom = daemon.dataDir().resolve("storage-pools/default/custom");
        assertTrue(Files.isDirectory(custom.resolve("v")) && Files.isDirectory(custom.resolve("fa_v")));
        assertEquals(List.of("/1.0/storage-pools/default/volumes/custom/v?project=fa"),
                urls(given().queryParam("project", "fa").when().get("/1.0/storage-pools/default/volumes/custom")));
        assertEquals(List.of("/1.0/storage-pools/default/volumes/custom/v"), urls(given().when().get("/1.0/storage-pools/default/volumes/custom")));
        JsonNode vfa = json(given().queryParam("project", "fa").when().get("/1.0/storage-pools/default/volumes/custom/v")).get("metadata");
        assertEquals("fa", vfa.get("project").asText());
        assertEquals("v", vfa.get("name").asText());
        List<String> all = new ArrayList<>();
        json(given().queryParam("all-projects", "true").queryParam("recursion", 1).when().get("/1.0/storage-pools/default/volumes/custom"))
                .get("metadata").forEach(v -> all.add(v.get("project").asText() + "/" + v.get("name").asText()));
        assertTrue(all.contains("default/v") && all.contains("fa/v"), all::toString);
        // fa's instance attaches fa's v: the file lands in fa_v, not in default's v
        assertEquals(200, given().queryParam("project", "fa").contentType("application/json").body(toJson(Map.of("devices",
                Map.of("data", Map.of("type", "disk", "pool", "default", "source", "v", "path", "/mnt"))))).when()
                .patch("/1.0/instances/c1").statusCode());
        assertEquals(List.of("/1.0/instances/c1?project=fa"), JSON.convertValue(json(given().queryParam("project", "fa")
                .when().get("/1.0/storage-pools/default/volumes/custom/v")).get("metadata").get("used_by"), List.class));
        assertEquals(0, json(given().when().get("/1.0/storage-pools/default/volumes/custom/v")).get("metadata").get("used_by").size());
        assertError(given().queryParam("project", "fa").when().delete("/1.0/storage-pools/default/volumes/custom/v"), 409);
        ok(given().queryParam("project", "fa").contentType("application/json").body("{\"action\":\"start\"}")
                .when().put("/1.0/instances/c1/state"));
        Response push = given().queryParam("project", "fa").queryParam("path", "/mnt/hello").contentType("application/octet-stream")
                .body("fa's".getBytes()).when().post("/1.0/instances/c1/files");
        assertEquals(200, push.statusCode(), push::asString);
        assertTrue(Files.exists(custom.resolve("fa_v/hello")));
        assertFalse(Files.exists(custom.resolve("v/hello")));
        JsonNode state = json(given().queryParam("project", "fa").when().get("/1.0/storage-pools/default/volumes/custom/v/state"))
                .get("metadata");
        assertTrue(state.get("usage").get("used").asLong() > 0, state::toString);
        // snapshots of fa's volume keep its project in their URLs
        ok(postIn("fa", "/1.0/storage-pools/default/volumes/custom/v/snapshots", Map.of("name", "s1")));
        assertEquals(List.of("/1.0/storage-pools/default/volumes/custom/v/snapshots/s1?project=fa"),
                urls(given().queryParam("project", "fa").when().get("/1.0/storage-pools/default/volumes/custom/v/snapshots")));
        assertEquals(0, urls(given().when().get("/1.0/storage-pools/default/volumes/custom/v/snapshots")).size());

        // features change only on an empty project; a non-empty one cannot be deleted either
        assertError(given().contentType("application/json").body(toJson(Map.of("config", Map.of("features.profiles", "false"))))
                .when().patch("/1.0/projects/fa"), 400, "Features can only be changed on empty projects");
        assertEquals("true", project("fa").get("config").get("features.profiles").asText());
        assertError(given().when().delete("/1.0/projects/fa"), 409, "Only empty projects can be removed");

        ok(given().queryParam("project", "fa").contentType("application/json").body("{\"action\":\"stop\",\"force\":true}")
                .when().put("/1.0/instances/c1/state"));
        ok(given().queryParam("project", "fa").when().delete("/1.0/instances/c1"));
        ok0(given().queryParam("project", "fa").when().delete("/1.0/storage-pools/default/volumes/custom/v"));
        assertTrue(Files.isDirectory(custom.resolve("v")) && !Files.exists(custom.resolve("fa_v")), "default's v stays");
        assertError(given().contentType("application/json").body(toJson(Map.of("config", Map.of("features.profiles", "false"))))
                .when().patch("/1.0/projects/fa"), 400, "Features can only be changed on empty projects");
        assertEquals(200, given().queryParam("project", "fa").when().delete("/1.0/profiles/web").statusCode());
        assertError(given().queryParam("project", "fa").when().delete("/1.0/profiles/default"), 400, "cannot be deleted");
        // empty now (its own default profile aside): turning profiles off removes fa's default profile
        assertEquals(200, given().contentType("application/json").body(toJson(Map.of("config", SHARED)))
                .when().patch("/1.0/projects/fa").statusCode());
        assertEquals(List.of("/1.0/profiles/default", "/1.0/profiles/web"), urls(given().queryParam("project", "fa").when().get("/1.0/profiles")));
        assertEquals(200, given().contentType("application/json").body(toJson(Map.of("config", Map.of("features.profiles", "true"))))
                .when().patch("/1.0/projects/fa").statusCode());
        assertEquals(List.of("/1.0/profiles/default?project=fa"), urls(given().queryParam("project", "fa").when().get("/1.0/profiles")));
        // rename carries the project's own default profile; delete removes it
        assertEquals("Success", ok(given().contentType("application/json").body("{\"name\":\"fb\"}").when()
                .post("/1.0/projects/fa")).get("status").asText());
        assertEquals(200, given().queryParam("project", "fb").when().get("/1.0/profiles/default").statusCode());
        assertEquals(200, given().when().delete("/1.0/projects/fb").statusCode());
        assertEquals(List.of("/1.0/profiles/default", "/1.0/profiles/web"), urls(given().when().get("/1.0/profiles")));
        assertEquals(200, given().when().delete("/1.0/profiles/web").statusCode());
        ok0(given().when().delete("/1.0/storage-pools/default/volumes/custom/v"));
        // a project cannot take on a feature while default holds names that would read as its own
        ok0(postIn("default", "/1.0/profiles", Map.of("name", "fc_x")));
        assertError(createProject(Map.of("name", "fc")), 409, "fc_x");
        assertError(given().when().get("/1.0/projects/fc"), 404);
        assertEquals(200, given().when().delete("/1.0/profiles/fc_x").statusCode());
    }

    @Test
    @Order(8)
    void profileChangesAreCheckedAgainstRestrictionsAndLimits() {
        assertEquals(200, createProject(Map.of("name", "rp", "config", Map.of("restricted", "true"))).statusCode());
        assertError(postIn("rp", "/1.0/profiles", Map.of("name", "priv", "config", Map.of("security.privileged", "true"))), 400,
                "Privileged containers are forbidden", "profile \"priv\"");
        assertError(postIn("rp", "/1.0/profiles", Map.of("name", "nest", "config", Map.of("security.nesting", "true"))), 400,
                "Container nesting is forbidden");
        assertError(postIn("rp", "/1.0/profiles", Map.of("name", "raw", "config", Map.of("raw.lxc", "lxc.environment = A=1"))), 400,
                "raw.lxc is forbidden");
        assertError(postIn("rp", "/1.0/profiles", Map.of("name", "host", "devices",
                Map.of("d", Map.of("type", "disk", "source", "/srv", "path", "/mnt")))), 400, "not backed by a pool");
        assertError(given().queryParam("project", "rp").contentType("application/json")
                .body(toJson(Map.of("config", Map.of("security.privileged", "true")))).when().patch("/1.0/profiles/default"), 400, "Privileged");
        assertEquals(List.of("/1.0/profiles/default?project=rp"), urls(given().queryParam("project", "rp").when().get("/1.0/profiles")));
        assertEquals(0, json(given().queryParam("project", "rp").when().get("/1.0/profiles/default")).get("metadata").get("config").size());

        // limits: a profile change that would push the project's instances over limits.memory is refused
        assertEquals(200, createProject(Map.of("name", "lp", "config", Map.of("limits.memory", "96MiB"))).statusCode());
        assertEquals(200, given().queryParam("project", "lp").contentType("application/json").body(toJson(Map.of("devices", ROOT,
                "config", Map.of("limits.memory", "32MiB")))).when().put("/1.0/profiles/default").statusCode());
        ok(createIn("lp", empty("m1")));
        ok(createIn("lp", empty("m2")));
        assertError(given().queryParam("project", "lp").contentType("application/json")
                .body(toJson(Map.of("config", Map.of("limits.memory", "64MiB")))).when().patch("/1.0/profiles/default"), 400,
                "Reached maximum aggregate value \"96MiB\" for \"limits.memory\" in project \"lp\"");
        assertEquals("32MiB", json(given().queryParam("project", "lp").when().get("/1.0/profiles/default")).get("metadata")
                .get("config").get("limits.memory").asText());
        assertEquals(200, given().queryParam("project", "lp").contentType("application/json")
                .body(toJson(Map.of("config", Map.of("limits.memory", "48MiB")))).when().patch("/1.0/profiles/default").statusCode());
        // a default profile used by a restricted project's instances is checked against that project too
        assertEquals(200, createProject(Map.of("name", "res", "config", shared(Map.of("restricted", "true")))).statusCode());
        ok0(postIn("default", "/1.0/profiles", Map.of("name", "sharedp")));
        Map<String, Object> s1 = empty("s1");
        s1.put("profiles", List.of("default", "sharedp"));
        ok(createIn("res", s1));
        assertError(given().contentType("application/json").body(toJson(Map.of("config", Map.of("security.nesting", "true"))))
                .when().patch("/1.0/profiles/sharedp"), 400, "Container nesting is forbidden", "instance \"s1\" of project \"res\"");
        ok(given().queryParam("project", "res").when().delete("/1.0/instances/s1"));
        assertEquals(200, given().when().delete("/1.0/profiles/sharedp").statusCode());
        for (String m : List.of("m1", "m2")) {
            ok(given().queryParam("project", "lp").when().delete("/1.0/instances/" + m));
        }
        for (String p : List.of("rp", "lp", "res")) {
            assertEquals(200, given().when().delete("/1.0/projects/" + p).statusCode());
        }
    }

    private static void ok0(Response r) {
        assertEquals(200, r.statusCode(), r::asString);
    }

    @Test
    @Order(9)
    void withFeaturesImagesAProjectHasItsOwnImagesAndAliases() throws Exception {
        assertEquals(200, createProject(Map.of("name", "ia")).statusCode());
        assertEquals("true", project("ia").get("config").get("features.images").asText());
        // default's image is not ia's
        assertEquals(List.of(), urls(given().queryParam("project", "ia").when().get("/1.0/images")));
        assertError(given().queryParam("project", "ia").when().get("/1.0/images/" + fingerprint), 404, "Image not found");
        assertEquals(200, given().queryParam("project", "ia").contentType("application/json").body(toJson(Map.of("devices", ROOT)))
                .when().put("/1.0/profiles/default").statusCode());
        assertError(createIn("ia", new HashMap<>(Map.of("name", "i1", "source", Map.of("type", "image", "fingerprint", fingerprint)))),
                404, "Image not found");
        // the same file uploaded in ia: ia holds it too (one copy of the files), a second upload there is a conflict
        byte[] tar = Files.readAllBytes(Instances.busyboxImage());
        JsonNode op = ok(given().queryParam("project", "ia").contentType("application/octet-stream").body(tar).when().post("/1.0/images"));
        assertEquals(fingerprint, op.get("metadata").get("fingerprint").asText());
        assertEquals(List.of("/1.0/images/" + fingerprint + "?project=ia"), urls(given().queryParam("project", "ia").when().get("/1.0/images")));
        assertError(given().queryParam("project", "ia").contentType("application/octet-stream").body(tar).when().post("/1.0/images"),
                409, "already exists");
        assertTrue(project("ia").get("used_by").toString().contains("/1.0/images/" + fingerprint + "?project=ia"));
        // aliases per project: "bb" in both, each pointing at its project's image
        ok0(postIn("ia", "/1.0/images/aliases", Map.of("name", "bb", "target", fingerprint, "description", "ia's")));
        ok0(postIn("default", "/1.0/images/aliases", Map.of("name", "bb", "target", fingerprint, "description", "default's")));
        assertError(postIn("ia", "/1.0/images/aliases", Map.of("name", "bb", "target", fingerprint)), 409, "already exists");
        assertEquals(List.of("/1.0/images/aliases/bb?project=ia"), urls(given().queryParam("project", "ia").when().get("/1.0/images/aliases")));
        assertEquals("ia's", json(given().queryParam("project", "ia").when().get("/1.0/images/aliases/bb")).get("metadata")
                .get("description").asText());
        assertEquals("default's", json(given().when().get("/1.0/images/aliases/bb")).get("metadata").get("description").asText());
        assertEquals("bb", json(given().queryParam("project", "ia").when().get("/1.0/images/" + fingerprint)).get("metadata")
                .get("aliases").get(0).get("name").asText());
        assertError(postIn("default", "/1.0/images/aliases", Map.of("name", "ia_bb", "target", fingerprint)), 400, "reserved");
        // an instance of ia launches from ia's alias
        ok(createIn("ia", new HashMap<>(Map.of("name", "i1", "source", Map.of("type", "image", "alias", "bb")))));
        assertEquals(fingerprint, instanceIn("ia", "i1").get("config").get("volatile.base_image").asText());
        assertError(given().contentType("application/json").body(toJson(Map.of("config", Map.of("features.images", "false"))))
                .when().patch("/1.0/projects/ia"), 400, "Features can only be changed on empty projects");
        ok(given().queryParam("project", "ia").when().delete("/1.0/instances/i1"));
        // deleting it in ia takes it (and ia's alias) out of ia only: default keeps the image, its files and its alias
        ok(given().queryParam("project", "ia").when().delete("/1.0/images/" + fingerprint));
        assertEquals(List.of(), urls(given().queryParam("project", "ia").when().get("/1.0/images")));
        assertEquals(List.of(), urls(given().queryParam("project", "ia").when().get("/1.0/images/aliases")));
        assertEquals(200, given().when().get("/1.0/images/" + fingerprint).statusCode());
        assertEquals(200, given().when().get("/1.0/images/aliases/bb").statusCode());
        try (var files = Files.list(daemon.dataDir().resolve("images"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith(fingerprint)), "the files stay");
        }
        assertEquals(200, given().when().delete("/1.0/images/aliases/bb").statusCode());
        assertEquals(200, given().when().delete("/1.0/projects/ia").statusCode());
    }

    private static final String DISK_POOL = "jpfdisk";

    @Test
    @Order(10)
    void limitsDiskCountsRootDisksAndCustomVolumes() {
        ok0(given().contentType("application/json").body(toJson(Map.of("name", DISK_POOL, "driver", "btrfs", "config",
                Map.of("size", "256MiB")))).when().post("/1.0/storage-pools"));
        assertEquals(200, createProject(Map.of("name", "dk", "config", Map.of("limits.disk", "100MiB"))).statusCode());
        assertEquals(200, given().queryParam("project", "dk").contentType("application/json").body(toJson(Map.of("devices",
                Map.of("root", Map.of("type", "disk", "path", "/", "pool", DISK_POOL, "size", "40MiB"))))).when()
                .put("/1.0/profiles/default").statusCode());
        String vols = "/1.0/storage-pools/" + DISK_POOL + "/volumes/custom";
        assertError(postIn("dk", vols, Map.of("name", "v0")), 400, "Custom volume", "has no \"size\" config set");
        ok(postIn("dk", vols, Map.of("name", "v1", "config", Map.of("size", "40MiB"))));
        ok(createIn("dk", empty("i1")));
        assertError(postIn("dk", vols, Map.of("name", "v2", "config", Map.of("size", "30MiB"))), 400,
                "Reached maximum aggregate value \"100MiB\" for \"limits.disk\" in project \"dk\"");
        assertError(given().queryParam("project", "dk").contentType("application/json").body(toJson(Map.of("config", Map.of("size", "61MiB"))))
                .when().patch(vols + "/v1"), 400, "limits.disk");
        assertEquals("40MiB", json(given().queryParam("project", "dk").when().get(vols + "/v1")).get("metadata").get("config")
                .get("size").asText());
        assertEquals(List.of("/1.0/storage-pools/" + DISK_POOL + "/volumes/custom/v1?project=dk"), urls(given().queryParam("project", "dk").when().get(vols)));
        // an instance over what is left is refused too
        Map<String, Object> big = empty("i2");
        big.put("devices", Map.of("root", Map.of("type", "disk", "path", "/", "pool", DISK_POOL, "size", "30MiB")));
        assertError(createIn("dk", big), 400, "limits.disk");
        JsonNode disk = json(given().when().get("/1.0/projects/dk/state")).get("metadata").get("resources").get("disk");
        assertEquals(80L << 20, disk.get("usage").asLong(), disk::toString);
        assertEquals(100L << 20, disk.get("limit").asLong());
        ok0(given().queryParam("project", "dk").contentType("application/json").body(toJson(Map.of("config", Map.of("size", "50MiB"))))
                .when().patch(vols + "/v1"));
        ok(given().queryParam("project", "dk").when().delete("/1.0/instances/i1"));
        ok0(given().queryParam("project", "dk").when().delete(vols + "/v1"));
        assertEquals(200, given().when().delete("/1.0/projects/dk").statusCode());
        ok0(given().when().delete("/1.0/storage-pools/" + DISK_POOL));
    }
}
