package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code POST /1.0/instances/{name}/exec} and the websocket operation channels, against a real busybox container
 * (uploaded through {@code POST /1.0/images}, created and started through the instances API); the logs and
 * console endpoints. Everything is removed after the class, also on failure.
 */
@Timeout(120)
class ExecApiTest extends DaemonTestBase {
    static final String C = "ex1";
    static final String STOPPED = "ex-stopped";
    static String fingerprint;

    record Result(int code, String out, String err, JsonNode op) {
    }

    @BeforeAll
    static void container() throws Exception {
        Instances.openTempRoot(daemon);
        Response up = given().contentType("application/octet-stream").body(Files.readAllBytes(Instances.busyboxImage()))
                .when().post("/1.0/images");
        fingerprint = Instances.ok(up).get("metadata").get("fingerprint").asText();
        Map<String, Object> source = Map.of("type", "image", "fingerprint", fingerprint);
        Instances.ok(Instances.create(Map.of("name", C, "source", source, "config", Map.of("environment.FROM_INSTANCE", "inst-value"))));
        Instances.ok(Instances.create(Map.of("name", STOPPED, "source", source)));
        Instances.ok(Instances.action(C, Map.of("action", "start")));
    }

    @AfterAll
    static void cleanUp() {
        Instances.cleanup(daemon);
        if (fingerprint != null) {
            try {
                Instances.await(given().when().delete("/1.0/images/" + fingerprint));
            } catch (Throwable ignored) {
                // the daemon's data dir goes away anyway
            }
        }
    }

    static Response post(String instance, Map<String, Object> body) {
        return given().contentType("application/json").body(toJson(body)).when().post("/1.0/instances/" + instance + "/exec");
    }

    /** A body that deliberately breaks the schema. */
    static Response postInvalid(Map<String, Object> body) {
        return given().header(ContractFilter.invalidRequest()).contentType("application/json").body(toJson(body))
                .when().post("/1.0/instances/" + C + "/exec");
    }

    /** Non-interactive exec over the three pipes; {@code stdin} is sent and then closed. */
    static Result exec(Map<String, Object> extra, byte[] stdin, String... command) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("command", List.of(command), "wait-for-websocket", true,
                "interactive", false));
        body.putAll(extra);
        Response r = post(C, body);
        assertEquals(202, r.statusCode(), r::asString);
        JsonNode op = json(r).get("metadata");
        assertEquals("websocket", op.get("class").asText());
        String id = op.get("id").asText();
        JsonNode fds = op.get("metadata").get("fds");
        assertEquals(4, fds.size(), fds::toString);
        try (ExecChannel control = open(id, fds.get("control").asText());
             ExecChannel out = open(id, fds.get("1").asText());
             ExecChannel err = open(id, fds.get("2").asText());
             ExecChannel in = open(id, fds.get("0").asText())) {
            if (stdin != null && stdin.length > 0) {
                in.sendBinary(stdin);
            }
            in.sendText(""); // LXD: an empty text frame is the end of stdin
            String o = out.awaitEnd(60);
            String e = err.awaitEnd(60);
            JsonNode done = Instances.await(r);
            assertEquals("Success", done.get("status").asText(), done::toString);
            return new Result(done.get("metadata").get("return").asInt(), o, e, done);
        }
    }

    static ExecChannel open(String op, String secret) throws Exception {
        ExecChannel c = ExecChannel.open(daemon.socket(), op, secret);
        assertEquals(101, c.status, "websocket upgrade");
        return c;
    }

    @Test
    void outputAndExitCodes() throws Exception {
        Result ok = exec(Map.of(), null, "sh", "-c", "echo out; echo err >&2");
        assertEquals(new Result(0, "out\n", "err\n", ok.op()), ok);
        assertEquals(3, exec(Map.of(), null, "sh", "-c", "exit 3").code());
        Result missing = exec(Map.of(), null, "no-such-command");
        assertEquals(127, missing.code(), missing::toString);
    }

    @Test
    void stdinIsPiped() throws Exception {
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        Result r = exec(Map.of(), data, "wc", "-c");
        assertEquals(0, r.code(), r::toString);
        assertEquals("200000", r.out().trim());
        Result cat = exec(Map.of(), data, "cat");
        assertEquals(new String(data, StandardCharsets.US_ASCII), cat.out());
    }

    @Test
    void environmentCwdAndUser() throws Exception {
        Result env = exec(Map.of("environment", Map.of("FOO", "bar")), null,
                "sh", "-c", "echo $FOO $FROM_INSTANCE $HOME $USER $LANG $PATH");
        assertEquals("bar inst-value /root root C.UTF-8 /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n", env.out());
        assertEquals("/tmp\n", exec(Map.of("cwd", "/tmp"), null, "pwd").out());
        assertEquals(126, exec(Map.of("cwd", "/no/such/dir"), null, "pwd").code());
        assertEquals("1000 1000\n", exec(Map.of("user", 1000, "group", 1000), null, "sh", "-c", "echo $(id -u) $(id -g)").out());
    }

    @Test
    void onlyStandardFdsCrossIntoTheContainer() throws Exception {
        Result r = exec(Map.of(), null, "sh", "-c", "ls /proc/$$/fd; true");
        assertEquals(List.of("0", "1", "2"), List.of(r.out().trim().split("\\s+")), r::toString);
    }

    @Test
    void signalThroughControl() throws Exception {
        Response r = post(C, Map.of("command", List.of("sleep", "100"), "wait-for-websocket", true, "interactive", false));
        JsonNode op = json(r).get("metadata");
        String id = op.get("id").asText();
        JsonNode fds = op.get("metadata").get("fds");
        try (ExecChannel control = open(id, fds.get("control").asText());
             ExecChannel out = open(id, fds.get("1").asText());
             ExecChannel err = open(id, fds.get("2").asText());
             ExecChannel in = open(id, fds.get("0").asText())) {
            Thread.sleep(300);
            control.sendText("{\"command\":\"signal\",\"signal\":15}");
            out.awaitEnd(30);
            JsonNode done = Instances.await(r);
            assertEquals(128 + 15, done.get("metadata").get("return").asInt(), done::toString);
        }
    }

    @Test
    void interactiveGetsATerminalThatResizes() throws Exception {
        Response r = post(C, Map.of("command", List.of("sh"), "wait-for-websocket", true, "interactive", true,
                "width", 100, "height", 40));
        assertEquals(202, r.statusCode(), r::asString);
        JsonNode op = json(r).get("metadata");
        String id = op.get("id").asText();
        JsonNode fds = op.get("metadata").get("fds");
        assertEquals(List.of("0", "control"), List.of(fds.get("0") != null ? "0" : "", fds.get("control") != null ? "control" : ""));
        assertEquals(2, fds.size());
        try (ExecChannel control = open(id, fds.get("control").asText());
             ExecChannel tty = open(id, fds.get("0").asText())) {
            tty.sendBinary("tty -s && echo IS-A-TTY; stty size; echo TERM=$TERM\n".getBytes(StandardCharsets.UTF_8));
            tty.awaitText("IS-A-TTY", 20);
            tty.awaitText("40 100", 20);
            tty.awaitText("TERM=xterm", 20);
            control.sendText("{\"command\":\"window-resize\",\"args\":{\"width\":\"132\",\"height\":\"50\"}}");
            Thread.sleep(300);
            tty.sendBinary("stty size\n".getBytes(StandardCharsets.UTF_8));
            tty.awaitText("50 132", 20);
            tty.sendBinary("exit 7\n".getBytes(StandardCharsets.UTF_8));
            tty.awaitEnd(30);
            JsonNode done = Instances.await(r);
            assertEquals(7, done.get("metadata").get("return").asInt(), done::toString);
        }
    }

    @Test
    void recordedOutputIsBounded() {
        // 64 MiB are recorded per stream (issue 12): a command writing more is stopped and the operation fails
        Response r = post(C, Map.of("command", List.of("sh", "-c", "head -c 70000000 /dev/zero; echo done >&2"),
                "wait-for-websocket", false, "record-output", true));
        JsonNode done = Instances.await(r);
        assertEquals("Failure", done.get("status").asText(), done::toString);
        assertTrue(done.get("err").asText().contains("stdout exceeded the 67108864 bytes"), done::toString);
        JsonNode outputs = json(given().when().get("/1.0/instances/" + C + "/logs/exec-output").then().statusCode(200).extract().response());
        outputs.get("metadata").forEach(u -> given().when().delete(u.asText()).then().statusCode(200));
    }

    @Test
    void recordOutputAndLogs() throws Exception {
        Response r = post(C, Map.of("command", List.of("sh", "-c", "echo recorded; echo oops >&2; exit 2"),
                "wait-for-websocket", false, "record-output", true));
        assertEquals(202, r.statusCode(), r::asString);
        assertEquals("task", json(r).get("metadata").get("class").asText());
        JsonNode done = Instances.ok(r);
        assertEquals(2, done.get("metadata").get("return").asInt());
        String stdout = done.get("metadata").get("output").get("1").asText();
        String stderr = done.get("metadata").get("output").get("2").asText();
        assertTrue(stdout.matches("/1.0/instances/ex1/logs/exec-output/exec_[0-9a-f-]+\\.stdout"), stdout);
        assertEquals("recorded\n", given().when().get(stdout).then().statusCode(200).extract().asString());
        assertEquals("oops\n", given().when().get(stderr).then().statusCode(200).extract().asString());

        JsonNode logs = json(given().when().get("/1.0/instances/" + C + "/logs").then().statusCode(200).extract().response());
        List<String> urls = new java.util.ArrayList<>();
        logs.get("metadata").forEach(u -> urls.add(u.asText()));
        assertTrue(urls.contains("/1.0/instances/ex1/logs/lxc.log"), urls::toString);
        assertTrue(urls.contains(stdout) && urls.contains(stderr), urls::toString);
        given().when().get("/1.0/instances/" + C + "/logs/lxc.log").then().statusCode(200);
        given().when().delete("/1.0/instances/" + C + "/logs/lxc.log").then().statusCode(400);

        given().when().delete(stdout).then().statusCode(200);
        given().when().get(stdout).then().statusCode(404);
        given().when().delete(stdout).then().statusCode(404);
        JsonNode outputs = json(given().when().get("/1.0/instances/" + C + "/logs/exec-output").then().statusCode(200).extract().response());
        assertEquals(1, outputs.get("metadata").size(), outputs::toString);
        given().when().delete(stderr).then().statusCode(200);

        // no path traversal: names only
        given().when().get("/1.0/instances/" + C + "/logs/config").then().statusCode(404);
        given().when().get("/1.0/instances/" + C + "/logs/.hidden").then().statusCode(400);
        given().when().get("/1.0/instances/" + C + "/logs/exec-output/exec_..%2F..%2Fconfig").then().statusCode(400);
        given().when().get("/1.0/instances/nope/logs").then().statusCode(404);
    }

    @Test
    void consoleLogIsRefusedWithAReason() {
        Response r = given().when().get("/1.0/instances/" + C + "/console?type=log");
        assertEquals(400, r.statusCode(), r::asString);
        assertTrue(json(r).get("error").asText().contains("migration.stateful=false"), r::asString);
        given().when().get("/1.0/instances/nope/console").then().statusCode(404);
    }

    @Test
    void badRequestsChangeNothing() throws Exception {
        assertEquals(400, postInvalid(Map.of("command", List.of())).statusCode());
        assertEquals(400, post(C, Map.of("command", List.of(""))).statusCode());
        assertEquals(400, postInvalid(Map.of("command", List.of("true"), "bogus", 1)).statusCode());
        assertEquals(400, post(C, Map.of("command", List.of("true"), "cwd", "relative")).statusCode());
        assertEquals(400, postInvalid(Map.of("command", List.of("true"), "user", -1)).statusCode());
        assertEquals(400, post(C, Map.of("command", List.of("true"), "environment", Map.of("BAD=KEY", "x"))).statusCode());
        assertEquals(400, post(C, Map.of("command", List.of("true"), "wait-for-websocket", true, "record-output", true)).statusCode());
        Response stopped = post(STOPPED, Map.of("command", List.of("true")));
        assertEquals(400, stopped.statusCode(), stopped::asString);
        assertEquals("Instance is not running", json(stopped).get("error").asText());
        assertEquals(404, post("nope", Map.of("command", List.of("true"))).statusCode());
        assertEquals(400, given().header(ContractFilter.invalidRequest()).contentType("application/json").body("{not json").when().post("/1.0/instances/" + C + "/exec").statusCode());

        // wrong secret, unknown operation, plain GET: refused
        Response r = post(C, Map.of("command", List.of("true"), "wait-for-websocket", true));
        String id = json(r).get("metadata").get("id").asText();
        assertEquals(400, ExecChannel.open(daemon.socket(), id, "0".repeat(64)).status);
        assertEquals(400, ExecChannel.open(daemon.socket(), "00000000-0000-0000-0000-000000000000", "x").status);
        given().header(ContractFilter.invalidRequest()).queryParam("secret", "x").when().get("/1.0/operations/" + id + "/websocket").then().statusCode(400);
        // a secret works once
        JsonNode fds = json(r).get("metadata").get("metadata").get("fds");
        try (ExecChannel c = open(id, fds.get("control").asText())) {
            assertEquals(400, ExecChannel.open(daemon.socket(), id, fds.get("control").asText()).status);
            try (ExecChannel o = open(id, fds.get("1").asText()); ExecChannel e = open(id, fds.get("2").asText());
                 ExecChannel i = open(id, fds.get("0").asText())) {
                i.sendText("");
                o.awaitEnd(30);
                assertEquals(0, Instances.ok(r).get("metadata").get("return").asInt());
            }
        }
        assertFalse(Instances.names().isEmpty());
    }

    @Test
    void aMessageReassembledBeyondOneMibClosesTheChannelWithTheReason() throws Exception {
        Response r = post(C, Map.of("command", List.of("cat"), "wait-for-websocket", true, "interactive", false));
        assertEquals(202, r.statusCode(), r::asString);
        JsonNode op = json(r).get("metadata");
        JsonNode fds = op.get("metadata").get("fds");
        String id = op.get("id").asText();
        try (ExecChannel control = open(id, fds.get("control").asText());
             ExecChannel out = open(id, fds.get("1").asText());
             ExecChannel err = open(id, fds.get("2").asText());
             ExecChannel in = open(id, fds.get("0").asText())) {
            in.sendBinary("small\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.awaitText("small", 30);
            // 3 fragments of 400 KiB: one message of 1.2 MiB, over the 1 MiB the daemon reassembles
            byte[] part = new byte[400 << 10];
            in.sendFragmented(part, part, part);
            in.awaitEnd(30);
            assertEquals(1009, in.closeCode, "closed: message too big");
            assertTrue(in.closeReason.contains("1048576"), in.closeReason);
            out.awaitEnd(60); // stdin ended for cat: it exits
            JsonNode done = Instances.await(r);
            assertEquals("Success", done.get("status").asText(), done::toString);
            assertEquals("small\n", out.receivedText(), "nothing of the refused message reached the command");
        }
    }
}
