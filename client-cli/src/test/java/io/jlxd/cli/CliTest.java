package io.jlxd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.api.Json;
import io.jlxd.cli.aot.CannedDaemon;
import io.jlxd.cli.aot.CannedJlxd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole commands run in-process against the canned daemon on a temporary Unix socket. */
class CliTest {
    @TempDir
    Path dir;

    private CannedDaemon daemon;

    /** Exit code and the two output streams of one run. */
    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        daemon = CannedDaemon.start(dir.resolve("unix.socket"), new CannedJlxd());
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }

    private Run run(String stdin, String... args) {
        return run(Map.of("JLXD_DIR", dir.toString()), stdin, args);
    }

    private static Run run(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void version() {
        Run r = run("", "version");
        assertEquals(0, r.code());
        assertEquals("Client version: " + ClientVersion.get() + "\nServer version: 0.1.0\n", r.out());
        Run offline = run(Map.of("JLXD_DIR", dir.resolve("none").toString()), "", "version");
        assertEquals(0, offline.code());
        assertTrue(offline.out().endsWith("Server version: unreachable\n"));
    }

    @Test
    void infoIsYamlWithSecretsMasked() {
        Run r = run("", "info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("""
                config:
                  core.https_address: :8443
                  core.trust_password: SENSITIVE
                  user.foo: bar
                api_extensions:
                - etag
                """), r.out());
        assertTrue(r.out().contains("\napi_version: \"1.0\"\nauth: trusted\npublic: false\nauth_methods:\n- tls\n"));
        assertTrue(r.out().contains("  server_version: 0.1.0\n"));
    }

    @Test
    void unreachableServerIsAnError() {
        Path missing = dir.resolve("nowhere");
        Run r = run(Map.of("JLXD_DIR", missing.toString()), "", "info");
        assertEquals(1, r.code());
        assertEquals("Error: jlxd unix socket \"" + missing.resolve("unix.socket")
                + "\" not accessible: No such file or directory\n", r.err());
    }

    @Test
    void configSetPatchesOnlyTheKeysWithTheEtag() throws Exception {
        Run r = run("", "config", "set", "user.a=1", "user.b=two words");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        CannedDaemon.Request patch = daemon.requests().getLast();
        assertEquals("PATCH", patch.method());
        assertEquals("/1.0", patch.target());
        assertEquals(CannedJlxd.ETAG, patch.headers().first("If-Match").orElseThrow());
        assertEquals(Json.lenient().readTree("{\"config\":{\"user.a\":\"1\",\"user.b\":\"two words\"}}"),
                Json.lenient().readTree(patch.body()));
        assertEquals("application/json", patch.headers().first("Content-Type").orElseThrow());
    }

    @Test
    void configUnsetSendsAnEmptyValue() throws Exception {
        assertEquals(0, run("", "config", "unset", "user.foo").code());
        assertEquals(Json.lenient().readTree("{\"config\":{\"user.foo\":\"\"}}"),
                Json.lenient().readTree(daemon.requests().getLast().body()));
    }

    @Test
    void configGetAndShow() {
        assertEquals("bar\n", run("", "config", "get", "user.foo").out());
        assertEquals("\n", run("", "config", "get", "user.unset").out());
        assertEquals("config:\n  core.https_address: :8443\n  core.trust_password: hunter2\n  user.foo: bar\n",
                run("", "config", "show").out());
        Run json = run("", "config", "show", "--format", "json");
        assertTrue(json.out().startsWith("{\"config\":{\"core.https_address\""), json.out());
        Run instance = run("", "config", "set", "c9", "limits.cpu=2");
        assertEquals(1, instance.code());
        assertEquals("Error: not found\n", instance.err(), "an instance target is read from /1.0/instances/c9");
        assertEquals("/1.0/instances/c9", daemon.requests().getLast().path());
    }

    @Test
    void instanceCommandsAgainstTheCannedDaemon() throws Exception {
        Run csv = run("", "list", "--format", "csv");
        assertEquals("c1,RUNNING,10.0.3.5 (eth0),,CONTAINER,0\n", csv.out(),
                () -> csv.err() + daemon.requests().stream().map(r -> r.method() + " " + r.target()).toList());
        Run info = run("", "info", "c1");
        assertTrue(info.out().startsWith("Name: c1\nStatus: RUNNING\nType: container\nArchitecture: x86_64\nPID: 4321\n"),
                info.out());
        assertTrue(info.out().contains("      IP addresses:\n        inet:  10.0.3.5/24 (global)\n"), info.out());
        assertEquals("web\n", run("", "config", "get", "c1", "user.role").out());
        assertEquals(0, run("", "config", "set", "c1", "user.a=b").code());
        var put = daemon.requests().stream().filter(r -> r.method().equals("PUT")).toList().getLast();
        assertEquals("PUT /1.0/instances/c1", put.method() + " " + put.path());
        assertEquals(CannedJlxd.ETAG, put.headers().first("If-Match").orElseThrow());
        assertEquals(Json.lenient().readTree("""
                {"architecture":"x86_64","config":{"user.role":"web","user.a":"b"},"devices":{},"ephemeral":false,
                 "profiles":["default"],"description":""}"""), Json.lenient().readTree(put.body()));
        Run stop = run("", "stop", "--force", "c1");
        assertEquals(0, stop.code(), stop.err());
        assertEquals(Json.lenient().readTree("{\"action\":\"stop\",\"timeout\":-1,\"force\":true,\"stateful\":false}"),
                Json.lenient().readTree(daemon.requests().stream()
                        .filter(r -> r.path().equals("/1.0/instances/c1/state")).toList().getLast().body()));
        assertEquals("default,Default profile,1\n", run("", "profile", "list", "--format", "csv").out());
        Run nosuch = run("", "start", "nosuch");
        assertEquals(1, nosuch.code());
        assertEquals("Error: not found\n", nosuch.err());
    }

    @Test
    void operationListFormats() {
        Run table = run("", "operation", "list");
        assertEquals(0, table.code(), table.err());
        List<String> lines = table.out().lines().toList();
        assertEquals(7, lines.size());
        assertTrue(lines.get(1).matches("\\| +ID +\\| +TYPE +\\| +DESCRIPTION +\\| STATUS +\\| CANCELABLE \\| +CREATED +\\|"),
                lines.get(1));
        assertTrue(lines.get(3).startsWith("| " + CannedJlxd.DONE_ID + " | TOKEN | Creating instance | SUCCESS | NO "));
        assertTrue(lines.get(5).contains("| TASK  |"));
        assertTrue(lines.get(5).endsWith("| YES        | 2025/11/25 06:00 UTC |"));

        assertEquals(CannedJlxd.DONE_ID + ",TOKEN,Creating instance,SUCCESS,NO,2025/11/25 06:00 UTC\n"
                        + CannedJlxd.RUNNING_ID + ",TASK,Creating instance,RUNNING,YES,2025/11/25 06:00 UTC\n",
                run("", "operation", "list", "--format", "csv").out());
        assertTrue(run("", "--format=csv,header", "operation", "ls").out().startsWith("ID,TYPE,DESCRIPTION,"));
        assertTrue(run("", "operation", "list", "--format", "json").out().startsWith("[{\"id\":\"" + CannedJlxd.DONE_ID));
        assertTrue(run("", "operation", "list", "--format", "yaml").out().startsWith("- id: " + CannedJlxd.DONE_ID));
        Run bad = run("", "operation", "list", "--format", "xml");
        assertEquals(1, bad.code());
        assertEquals("Error: Invalid format \"xml\" (table, csv, json or yaml)\n", bad.err());
    }

    @Test
    void operationShowAndDelete() {
        Run show = run("", "operation", "show", CannedJlxd.RUNNING_ID);
        assertTrue(show.out().startsWith("id: " + CannedJlxd.RUNNING_ID + "\nclass: task\n"), show.out());
        assertEquals("Operation " + CannedJlxd.RUNNING_ID + " deleted\n",
                run("", "operation", "delete", CannedJlxd.RUNNING_ID).out());
        assertEquals("", run("", "-q", "operation", "rm", "/1.0/operations/" + CannedJlxd.RUNNING_ID).out());
        assertEquals("DELETE", daemon.requests().getLast().method());
        Run missing = run("", "operation", "show", "nope");
        assertEquals(1, missing.code());
        assertEquals("Error: not found\n", missing.err());
    }

    @Test
    void queryPrintsMetadataOrEnvelope() {
        assertEquals("[\n\t\"/1.0\"\n]\n", run("", "query", "/").out());
        Run raw = run("", "query", "--raw", "/");
        assertTrue(raw.out().startsWith("{\n\t\"type\": \"sync\",\n"), raw.out());
        assertEquals("", run("", "query", "-X", "PATCH", "-d", "{\"config\":{}}", "/1.0").out(), "{} is not printed");
        Run stdin = run("{\"config\":{\"user.x\":\"y\"}}", "query", "-X", "PATCH", "-d", "-", "/1.0");
        assertEquals(0, stdin.code());
        assertEquals("{\"config\":{\"user.x\":\"y\"}}", daemon.requests().getLast().bodyText());
    }

    @Test
    void queryWaitsForAsyncOperations() {
        Run async = run("", "query", "-X", "POST", "-d", "{\"name\":\"x\",\"token\":true}", "/1.0/certificates");
        assertTrue(async.out().contains("\"status\": \"Success\""));
        Run waited = run("", "query", "-X", "POST", "-d", "{\"name\":\"x\",\"token\":true}", "--wait",
                "/1.0/certificates");
        assertEquals(0, waited.code(), waited.err());
        assertEquals("/1.0/operations/" + CannedJlxd.DONE_ID + "/wait", daemon.requests().getLast().target());
        assertTrue(waited.out().startsWith("{\n\t\"id\": \"" + CannedJlxd.DONE_ID + "\""));
    }

    @Test
    void queryErrors() {
        Run notFound = run("", "query", "/1.0/nope");
        assertEquals(1, notFound.code());
        assertEquals("Error: not found\n", notFound.err());
        assertEquals("Error: Query path must start with /\n", run("", "query", "1.0").err());
        assertEquals("Error: Action \"TRACE\" isn't supported by this tool\n", run("", "query", "-X", "TRACE", "/").err());
    }

    @Test
    void monitorPrintsOneJsonLinePerEventUntilTheServerCloses() {
        Run r = run("", "monitor");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).startsWith("{\"type\":\"operation\",\"timestamp\":\"2025-11-25T06:00:00Z\""));
        assertTrue(lines.get(1).startsWith("{\"type\":\"lifecycle\""), "fragmented message reassembled");
        assertTrue(lines.get(2).startsWith("{\"type\":\"logging\""));
        assertEquals("/1.0/events", daemon.requests().getLast().target());
    }

    @Test
    void monitorPrettyAndTypeFilter() {
        Run r = run("", "monitor", "--pretty", "--type", "lifecycle", "--type=logging");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("type: lifecycle\ntimestamp: 2025-11-25T06:00:01Z\n"), r.out());
        assertTrue(r.out().contains("\n\ntype: logging\n"));
        assertTrue(r.out().endsWith("\n\n"));
        assertEquals("/1.0/events?type=lifecycle%2Clogging", daemon.requests().getLast().target());
        assertEquals(1, run("", "monitor", "--format", "csv").code());
    }

    @Test
    void usageErrorsExitWithTwo() {
        Run r = run("", "operation", "list", "--bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("Error: Unknown option: '--bogus'\n"), r.err());
        assertEquals(2, run("", "nosuchcommand").code());
        assertEquals(2, run("", "config", "get").code());
        assertEquals(0, run("", "help", "operation").code());
        assertTrue(run("", "operation", "--help").out().startsWith("Usage: jlxc operation"));
        assertTrue(run("").out().startsWith("Usage: jlxc"));
    }

    @Test
    void commandNameSkipsGlobalOptions() {
        assertEquals("operation", Main.commandName(new String[] {"--format", "json", "-q", "operation", "list"}));
        assertEquals("info", Main.commandName(new String[] {"--format=yaml", "info"}));
        assertEquals(null, Main.commandName(new String[] {"--help"}));
        assertEquals("x", Main.commandName(new String[] {"--", "x"}));
    }
}
