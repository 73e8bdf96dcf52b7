package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jlxd.api.ApiExtensions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The real jlxc against the real daemon (JLXD_DIR = its data dir). */
class CliTest extends DaemonTestBase {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Jlxc.Result jlxc(String... args) {
        return Jlxc.run(daemon.dataDir(), args);
    }

    private static Jlxc.Result ok(String... args) {
        Jlxc.Result r = jlxc(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    private static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not YAML: " + text, e);
        }
    }

    @Test
    void version() {
        Jlxc.Result r = ok("version");
        String serverVersion = server().get("environment").get("server_version").asText();
        List<String> lines = r.stdout().lines().toList();
        assertEquals(2, lines.size(), r::toString);
        assertTrue(lines.get(0).matches("Client version: \\S+"), r::toString);
        assertEquals("Server version: " + serverVersion, lines.get(1));
    }

    @Test
    void infoShowsTheServerAsYaml() {
        JsonNode info = yaml(ok("info").stdout());
        JsonNode server = server();
        assertEquals(daemon.pid(), info.get("environment").get("server_pid").asLong());
        assertEquals(server.get("environment").get("certificate_fingerprint").asText(),
                info.get("environment").get("certificate_fingerprint").asText());
        assertEquals(server.get("environment").get("kernel_version").asText(),
                info.get("environment").get("kernel_version").asText());
        assertEquals("trusted", info.get("auth").asText());
        assertEquals(ApiExtensions.ALL, ServerApiTest.strings(info.get("api_extensions")));
    }

    @Test
    void queryPrintsTheMetadataAsJson() throws Exception {
        JsonNode printed = JSON.readTree(ok("query", "/1.0").stdout());
        JsonNode server = server();
        assertEquals(server.get("environment").get("server_pid"), printed.get("environment").get("server_pid"));
        assertEquals(server.get("config"), printed.get("config"));
        assertEquals(server.get("api_extensions"), printed.get("api_extensions"));
    }

    @Test
    void queryOnABadPathFailsWithTheErrorOnStderr() {
        String daemonError = json(given().header(ContractFilter.undocumentedRoute()).when().get("/1.0/nope"))
                .get("error").asText();
        Jlxc.Result r = jlxc("query", "/1.0/nope");
        assertNotEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.stdout(), r::toString);
        assertTrue(r.stderr().contains(daemonError), () -> "stderr should carry the daemon's error \"" + daemonError + "\": " + r);
    }

    @Test
    void configSetGetUnsetShow() {
        ok("config", "set", "user.cli", "hello world");
        assertEquals("hello world", serverConfig().get("user.cli"));
        assertEquals("hello world\n", ok("config", "get", "user.cli").stdout());

        ok("config", "set", "core.shutdown_timeout", "9");
        JsonNode shown = yaml(ok("config", "show").stdout());
        assertEquals("hello world", shown.get("config").get("user.cli").asText());
        assertEquals("9", shown.get("config").get("core.shutdown_timeout").asText());

        ok("config", "unset", "user.cli");
        assertEquals(null, serverConfig().get("user.cli"));
        assertEquals("\n", ok("config", "get", "user.cli").stdout());
        ok("config", "unset", "core.shutdown_timeout");
        assertEquals(Map.of(), serverConfig());
    }

    @Test
    void configSetOfAnUnknownKeyFailsNamingIt() {
        Jlxc.Result r = jlxc("config", "set", "core.bogus", "1");
        assertNotEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("core.bogus"), r::toString);
        assertEquals(null, serverConfig().get("core.bogus"));
    }

    @Test
    void operationListAsJsonAndCsv() throws Exception {
        String id = Tokens.create("cli-t1").get("id").asText();
        try {
            JsonNode list = JSON.readTree(ok("operation", "list", "--format", "json").stdout());
            assertTrue(list.isArray(), list::toString);
            JsonNode mine = null;
            for (JsonNode op : list) {
                if (id.equals(op.path("id").asText())) {
                    mine = op;
                }
            }
            assertTrue(mine != null, "operation " + id + " missing from " + list);
            assertEquals("token", mine.get("class").asText());
            assertEquals("Running", mine.get("status").asText());

            List<List<String>> rows = new ArrayList<>();
            for (String line : ok("operation", "list", "--format", "csv").stdout().lines().toList()) {
                rows.add(parseCsvLine(line));
            }
            List<String> row = rows.stream().filter(f -> f.getFirst().equals(id)).findFirst()
                    .orElseThrow(() -> new AssertionError("operation " + id + " missing from csv " + rows));
            assertEquals(6, row.size(), row::toString);
            assertEquals("TOKEN", row.get(1));
            assertEquals(mine.get("description").asText(), row.get(2));
            assertEquals("RUNNING", row.get(3));
            assertEquals("YES", row.get(4));
        } finally {
            Tokens.cancel(id);
        }
        JsonNode after = JSON.readTree(ok("operation", "list", "--format", "json").stdout());
        for (JsonNode op : after) {
            if (id.equals(op.path("id").asText())) {
                assertEquals("Cancelled", op.get("status").asText());
            }
        }
    }

    @Test
    void operationShowOfAnUnknownIdFails() {
        Jlxc.Result r = jlxc("operation", "show", UUID.randomUUID().toString());
        assertNotEquals(0, r.exitCode(), r::toString);
        assertTrue(!r.stderr().isBlank(), r::toString);
    }

    /** One RFC 4180 record. */
    static List<String> parseCsvLine(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        fields.add(f.toString());
        return fields;
    }
}
