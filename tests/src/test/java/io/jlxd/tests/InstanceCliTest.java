package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.restassured.response.Response;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The instance and profile commands of the real jlxc against the real daemon: the busybox image (built by
 * scripts/images/build-image.sh, uploaded through the image API with the alias "busybox"), real containers.
 */
class InstanceCliTest extends DaemonTestBase {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static String fingerprint;

    @BeforeAll
    static void importImage() throws Exception {
        Instances.openTempRoot(daemon);
        Path tarball = Instances.busyboxImage();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(tarball)) {
            sha.update(in.readAllBytes());
        }
        fingerprint = HexFormat.of().formatHex(sha.digest());
        Instances.ok(given().contentType("application/octet-stream").body(Files.readAllBytes(tarball))
                .when().post("/1.0/images"));
        Response alias = given().contentType("application/json")
                .body(toJson(Map.of("name", "busybox", "target", fingerprint))).when().post("/1.0/images/aliases");
        assertEquals(200, alias.statusCode(), alias::asString);
    }

    @AfterEach
    void cleanup() {
        Instances.cleanup(daemon);
        assertEquals(0, json(given().when().get("/1.0/instances")).get("metadata").size(), "cleanup left instances");
        for (JsonNode url : json(given().when().get("/1.0/profiles")).get("metadata")) {
            String name = url.asText().substring(url.asText().lastIndexOf('/') + 1);
            if (!name.equals("default")) {
                given().when().delete("/1.0/profiles/" + name);
            }
        }
    }

    private static Jlxc.Result jlxc(String... args) {
        return Jlxc.run(daemon.dataDir(), args);
    }

    private static Jlxc.Result ok(String... args) {
        Jlxc.Result r = jlxc(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    /** Exit 1 and an "Error: " line containing {@code message}. */
    private static Jlxc.Result fails(String message, String... args) {
        Jlxc.Result r = jlxc(args);
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().startsWith("Error: ") && r.stderr().contains(message), r::toString);
        return r;
    }

    private static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not YAML: " + text, e);
        }
    }

    private static String status(String name) {
        return Instances.instance(name).get("status").asText();
    }

    @Test
    void launchListInfoAndPowerCommands() throws Exception {
        Jlxc.Result launch = ok("launch", "busybox", "cli-c1");
        assertTrue(launch.stderr().contains("Creating cli-c1\n") && launch.stderr().contains("Starting cli-c1\n"),
                launch::toString);
        assertEquals("Running", status("cli-c1"));

        String csv = ok("list", "--format", "csv").stdout();
        assertTrue(csv.startsWith("cli-c1,RUNNING,"), csv);
        assertTrue(csv.strip().endsWith(",CONTAINER,0"), csv);
        List<String> table = ok("list", "-c", "ns", "c").stdout().lines().toList();
        assertEquals("|  NAME  |  STATE  |", table.get(1), String.join("\n", table));
        assertEquals("| cli-c1 | RUNNING |", table.get(3), String.join("\n", table));
        assertEquals("", ok("list", "--format", "csv", "nomatch").stdout());
        assertEquals("cli-c1\n", ok("list", "--format", "csv", "-c", "n", "status=running").stdout());
        JsonNode listed = JSON.readTree(ok("list", "--format", "json").stdout());
        assertEquals(1, listed.size());
        assertEquals("cli-c1", listed.get(0).get("name").asText());
        assertTrue(listed.get(0).get("state").get("pid").asLong() > 0, listed::toString);
        assertEquals("cli-c1", yaml(ok("list", "--format", "yaml").stdout()).get(0).get("name").asText());

        String info = ok("info", "cli-c1").stdout();
        assertTrue(info.startsWith("Name: cli-c1\nStatus: RUNNING\nType: container\n"), info);
        assertTrue(info.contains("\nResources:\n  Processes: "), info);
        assertTrue(info.contains("    Memory (current): "), info);
        long pid = Instances.state("cli-c1").get("pid").asLong();
        assertTrue(info.contains("PID: " + pid + "\n"), info);
        assertTrue(yaml(ok("info").stdout()).has("environment"), "plain info is still the server's");
        String withLog = ok("info", "--show-log", "cli-c1").stdout();
        assertTrue(withLog.startsWith(info.substring(0, info.indexOf("PID:"))) && withLog.contains("\nLog:\n\n"), withLog);

        ok("pause", "cli-c1");
        assertEquals("Frozen", status("cli-c1"));
        assertTrue(ok("list", "--format", "csv", "-c", "ns").stdout().contains("cli-c1,FROZEN"));
        ok("start", "cli-c1");
        assertEquals("Running", status("cli-c1"), "start thaws a frozen instance");
        ok("restart", "--force", "cli-c1");
        assertEquals("Running", status("cli-c1"));
        assertNotEquals(pid, Instances.state("cli-c1").get("pid").asLong(), "restarted: a new init");
        ok("stop", "--force", "cli-c1");
        assertEquals("Stopped", status("cli-c1"));
        assertTrue(ok("info", "cli-c1").stdout().contains("Status: STOPPED\n"));
        ok("start", "cli-c1");
        assertEquals("Running", status("cli-c1"));

        fails("stop it first or pass --force", "delete", "cli-c1");
        assertEquals("Running", status("cli-c1"), "a refused delete changes nothing");
        ok("delete", "--force", "cli-c1");
        assertEquals(404, given().when().get("/1.0/instances/cli-c1").statusCode());
        assertEquals("", ok("list", "--format", "csv").stdout());
    }

    @Test
    void initConfigRenameAndDelete() throws Exception {
        Jlxc.Result init = ok("init", fingerprint.substring(0, 12), "cli-c2", "-c", "user.a=b");
        assertTrue(init.stderr().contains("Creating cli-c2"), init::toString);
        assertEquals("Stopped", status("cli-c2"));
        assertEquals("b\n", ok("config", "get", "cli-c2", "user.a").stdout());

        ok("config", "set", "cli-c2", "limits.memory=128MiB", "user.x=y z");
        ok("config", "set", "cli-c2", "limits.processes", "200");
        JsonNode config = Instances.instance("cli-c2").get("config");
        assertEquals("128MiB", config.get("limits.memory").asText());
        assertEquals("y z", config.get("user.x").asText());
        assertEquals("200", ok("config", "get", "cli-c2", "limits.processes").stdout().strip());
        ok("config", "unset", "cli-c2", "user.x");
        assertFalse(Instances.instance("cli-c2").get("config").has("user.x"));
        fails("is not set", "config", "unset", "cli-c2", "user.x");
        fails("", "config", "set", "cli-c2", "no.such.key=1");
        assertFalse(Instances.instance("cli-c2").get("config").has("no.such.key"), "a refused set changes nothing");

        JsonNode shown = yaml(ok("config", "show", "cli-c2").stdout());
        assertEquals("128MiB", shown.get("config").get("limits.memory").asText());
        assertTrue(shown.get("profiles").isArray());
        assertFalse(shown.has("status"), "only the writable fields");
        JsonNode expanded = yaml(ok("config", "show", "--expanded", "cli-c2").stdout());
        assertTrue(expanded.get("devices").size() >= shown.get("devices").size());

        String edited = ok("config", "show", "cli-c2").stdout().replace("128MiB", "96MiB");
        Jlxc.Result edit = Jlxc.runWithInput(daemon.dataDir(), edited, "config", "edit", "cli-c2");
        assertEquals(0, edit.exitCode(), edit::toString);
        assertEquals("96MiB", Instances.instance("cli-c2").get("config").get("limits.memory").asText());
        Jlxc.Result badEdit = Jlxc.runWithInput(daemon.dataDir(), "config: [nope", "config", "edit", "cli-c2");
        assertEquals(1, badEdit.exitCode(), badEdit::toString);

        ok("rename", "cli-c2", "cli-c3");
        assertEquals(404, given().when().get("/1.0/instances/cli-c2").statusCode());
        assertEquals("cli-c3,STOPPED\n", ok("list", "--format", "csv", "-c", "ns").stdout());
        ok("delete", "cli-c3");
        assertEquals("", ok("list", "--format", "csv").stdout());
    }

    @Test
    void profilesAndDevices() throws Exception {
        ok("init", "busybox", "cli-c4");
        assertEquals("Profile web created\n", ok("profile", "create", "web").stdout());
        ok("profile", "set", "web", "user.role=web", "limits.cpu=1");
        assertEquals("web\n", ok("profile", "get", "web", "user.role").stdout());
        ok("profile", "unset", "web", "limits.cpu");
        assertFalse(json(given().when().get("/1.0/profiles/web")).get("metadata").get("config").has("limits.cpu"));
        String list = ok("profile", "list", "--format", "csv").stdout();
        assertTrue(list.contains("default,") && list.contains("web,,0"), list);

        assertEquals("Profiles default,web applied to cli-c4\n", ok("profile", "assign", "cli-c4", "default,web").stdout());
        assertEquals("web", Instances.instance("cli-c4").get("expanded_config").get("user.role").asText());
        assertEquals("cli-c4\n", ok("list", "--format", "csv", "-c", "n", "user.role=web").stdout());
        fails("already applied", "profile", "add", "cli-c4", "web");
        ok("profile", "remove", "cli-c4", "web");
        assertEquals(List.of("default"), strings(Instances.instance("cli-c4").get("profiles")));
        fails("isn't currently applied", "profile", "remove", "cli-c4", "web");
        ok("profile", "add", "cli-c4", "web");
        assertEquals(List.of("default", "web"), strings(Instances.instance("cli-c4").get("profiles")));

        ok("profile", "copy", "web", "web2");
        assertEquals("web", json(given().when().get("/1.0/profiles/web2")).get("metadata").get("config")
                .get("user.role").asText());
        ok("profile", "rename", "web2", "web3");
        assertEquals(404, given().when().get("/1.0/profiles/web2").statusCode());
        String profileYaml = ok("profile", "show", "web3").stdout();
        assertEquals("web3", yaml(profileYaml).get("name").asText());
        Jlxc.Result edit = Jlxc.runWithInput(daemon.dataDir(), "description: edited\nconfig:\n  user.role: db\n",
                "profile", "edit", "web3");
        assertEquals(0, edit.exitCode(), edit::toString);
        JsonNode web3 = json(given().when().get("/1.0/profiles/web3")).get("metadata");
        assertEquals("edited", web3.get("description").asText());
        assertEquals("db", web3.get("config").get("user.role").asText());
        ok("profile", "delete", "web3");
        assertEquals(404, given().when().get("/1.0/profiles/web3").statusCode());

        // The daemon supports the root disk and "none" devices so far: enough for the commands' logic.
        ok("profile", "device", "add", "web", "data", "none");
        assertEquals("data\n", ok("profile", "device", "list", "web").stdout());
        assertEquals("none", yaml(ok("profile", "device", "show", "web").stdout()).get("data").get("type").asText());
        assertTrue(Instances.instance("cli-c4").get("expanded_devices").has("root"), "from the default profile");
        fails("cannot be removed from individual instance", "config", "device", "remove", "cli-c4", "root");
        fails("The device already exists", "profile", "device", "add", "web", "data", "none");
        ok("profile", "device", "remove", "web", "data");
        assertFalse(json(given().when().get("/1.0/profiles/web")).get("metadata").get("devices").has("data"));
        assertEquals("Device data2 added to cli-c4\n", ok("config", "device", "add", "cli-c4", "data2", "none").stdout());
        assertEquals("data2\n", ok("config", "device", "list", "cli-c4").stdout());
        assertEquals("none", yaml(ok("config", "device", "show", "cli-c4").stdout()).get("data2").get("type").asText());
        fails("The device already exists", "config", "device", "add", "cli-c4", "data2", "none");
        fails("No value found", "config", "device", "add", "cli-c4", "data3", "none", "novalue");
        fails("", "config", "device", "add", "cli-c4", "data3", "disk", "path=/mnt"); // refused by the server
        assertFalse(Instances.instance("cli-c4").get("devices").has("data3"));
        ok("config", "device", "remove", "cli-c4", "data2");
        assertFalse(Instances.instance("cli-c4").get("devices").has("data2"));
        fails("Device doesn't exist", "config", "device", "remove", "cli-c4", "data2");
        fails("", "profile", "delete", "web"); // still used by c4
        ok("delete", "cli-c4");
        ok("profile", "delete", "web");
    }

    @Test
    void launchWithoutNameGetsOne() {
        Jlxc.Result r = ok("init", "busybox");
        assertTrue(r.stdout().startsWith("Instance name is: "), r::toString);
        String name = r.stdout().strip().substring("Instance name is: ".length());
        assertEquals("Stopped", status(name));
        ok("delete", name);
    }

    @Test
    void errors() {
        String missing = json(given().when().get("/1.0/instances/nosuch")).get("error").asText();
        fails(missing, "start", "nosuch");
        fails(missing, "info", "nosuch");
        fails(missing, "config", "set", "nosuch", "user.a=b");
        fails(missing, "delete", "nosuch");
        fails("Image not found", "launch", "no-such-image", "cli-c5");
        Jlxc.Result badName = fails("", "init", "busybox", "1bad_name");
        assertFalse(badName.stderr().contains("Exception"), badName::toString);
        assertEquals("", ok("list", "--format", "csv").stdout(), "refused creations leave nothing");
        fails("Invalid column", "list", "-c", "nX");
        Jlxc.Result usage = jlxc("stop");
        assertEquals(2, usage.exitCode(), usage::toString);
        Jlxc.Result several = jlxc("stop", "nosuch1", "nosuch2");
        assertEquals(1, several.exitCode(), several::toString);
        assertTrue(several.stderr().contains("nosuch1: ") && several.stderr().contains("nosuch2: "), several::toString);
        fails("Profile name is required", "profile", "show", "");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
