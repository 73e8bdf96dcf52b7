package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.ApiExtensions;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET / and GET /1.0 on the Unix socket (trusted): every field present and the environment values true. */
class ServerApiTest extends DaemonTestBase {

    @Test
    void rootListsApiVersions() {
        Response r = given().when().get("/");
        assertEquals(200, r.statusCode(), r::asString);
        JsonNode body = json(r);
        assertEquals("sync", body.get("type").asText());
        assertEquals(List.of("/1.0"), strings(body.get("metadata")));
    }

    @Test
    void serverEnvelopeAndTopLevelFields() throws java.io.IOException {
        Response r = getServer();
        JsonNode body = json(r);
        assertEquals("sync", body.get("type").asText());
        assertEquals("Success", body.get("status").asText());
        assertEquals(200, body.get("status_code").asInt());
        assertEquals("", body.get("operation").asText());
        assertEquals(0, body.get("error_code").asInt());
        assertEquals("", body.get("error").asText());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        String etag = r.getHeader("ETag");
        assertNotNull(etag, "GET /1.0 must send an ETag");
        assertFalse(etag.isBlank());

        JsonNode s = body.get("metadata");
        assertEquals(ApiExtensions.ALL, strings(s.get("api_extensions")));
        assertEquals("stable", s.get("api_status").asText());
        assertEquals("1.0", s.get("api_version").asText());
        assertEquals("trusted", s.get("auth").asText());
        assertEquals(List.of("tls"), strings(s.get("auth_methods")));
        assertFalse(s.get("public").asBoolean());
        assertTrue(s.get("config").isObject());
        assertEquals(0, s.get("config").size(), "a fresh daemon has no server config set: " + s.get("config"));
        // jlxd_cgroup_controllers: where each controller of this host lives, as /proc/self/mountinfo says
        JsonNode cg = s.get("environment").get("cgroup_controllers");
        for (String c : List.of("memory", "pids", "cpu")) {
            String want = hierarchyOf(c);
            assertEquals(want, cg.path(c).asText(), () -> c + " in " + cg);
        }
    }

    /** "v1" when a cgroup v1 hierarchy carries the controller, else "v2" (the unified hierarchy). */
    private static String hierarchyOf(String controller) throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/mountinfo"))) {
            int dash = line.indexOf(" - ");
            String[] post = line.substring(dash + 3).split(" ");
            if (post[0].equals("cgroup") && List.of(post[2].split(",")).contains(controller)) {
                return "v1";
            }
        }
        return "v2";
    }

    @Test
    void etagIsStableWhileNothingChanges() {
        assertEquals(etag(), etag());
    }

    @Test
    void environmentDescribesThisHostAndProcess() throws Exception {
        JsonNode env = server().get("environment");
        assertEquals(daemon.pid(), env.get("server_pid").asLong(), "server_pid is the daemon's pid");
        assertEquals(run("uname", "-r"), env.get("kernel_version").asText());
        assertEquals(run("uname", "-s"), env.get("kernel").asText());
        assertEquals(run("uname", "-m"), env.get("kernel_architecture").asText());
        assertEquals(run("uname", "-m"), env.get("architectures").get(0).asText());
        assertEquals("lxc", env.get("driver").asText());
        assertFalse(env.get("driver_version").asText().isBlank());
        assertEquals("jlxd", env.get("server").asText());
        assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim(), env.get("server_name").asText());
        assertTrue(env.get("server_version").asText().matches("\\d+\\.\\d+\\.\\d+.*"), env.get("server_version").asText());
        assertFalse(env.get("server_clustered").asBoolean());
        assertEquals("full-mesh", env.get("server_event_mode").asText());
        assertEquals("default", env.get("project").asText());
        Map<String, String> osRelease = osRelease();
        assertEquals(osRelease.get("NAME"), env.get("os_name").asText());
        assertEquals(osRelease.get("VERSION_ID"), env.get("os_version").asText());
        assertTrue(env.get("addresses").isArray() && env.get("addresses").isEmpty(),
                "no HTTPS address is configured, so no addresses: " + env.get("addresses"));

        List<String> drivers = new ArrayList<>();
        env.get("storage_supported_drivers").forEach(d -> drivers.add(d.get("name").asText()));
        assertTrue(drivers.contains("dir"), "dir is always supported: " + drivers);
        assertTrue(drivers.contains(env.get("storage").asText()), "the storage driver in use is a supported one");
    }

    @Test
    void certificateFingerprintIsSha256OfTheDer() throws Exception {
        JsonNode env = server().get("environment");
        X509Certificate cert = Certificates.parsePem(env.get("certificate").asText());
        assertEquals(Certificates.fingerprint(cert), env.get("certificate_fingerprint").asText());
        cert.checkValidity();
        Path onDisk = daemon.dataDir().resolve("server.crt");
        if (Files.exists(onDisk)) {
            assertEquals(Certificates.fingerprint(cert),
                    Certificates.fingerprint(Certificates.parsePem(Files.readString(onDisk))),
                    "GET /1.0 shows the certificate of " + onDisk);
        }
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor());
        return out;
    }

    static Map<String, String> osRelease() throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String v = line.substring(eq + 1).trim();
                if (v.length() >= 2 && (v.startsWith("\"") || v.startsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                m.put(line.substring(0, eq).trim(), v);
            }
        }
        return m;
    }
}
