package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /1.0/instances/{name}/console} on real busybox containers: with {@code migration.stateful=false} the console
 * log holds what init started on it (busybox: a shell) and an attached websocket session runs a shell on the console; with the default
 * (checkpointable) there is no console and the API says how to get one. Also {@code jlxc console --show-log}.
 */
@Timeout(180)
class ConsoleTest extends DaemonTestBase {
    static final String CON = "fi-con";
    static final String PLAIN = "fi-plain";

    @BeforeAll
    static void containers() {
        Instances.openTempRoot(daemon);
        String fp = Instances.importImage(Instances.busyboxImage());
        Map<String, Object> source = Map.of("type", "image", "fingerprint", fp);
        Instances.ok(Instances.create(Map.of("name", CON, "source", source, "config", Map.of("migration.stateful", "false"))));
        Instances.ok(Instances.create(Map.of("name", PLAIN, "source", source)));
        Instances.ok(Instances.action(CON, Map.of("action", "start")));
        Instances.ok(Instances.action(PLAIN, Map.of("action", "start")));
    }

    @AfterAll
    static void cleanUp() {
        Instances.cleanup(daemon);
    }

    static Response attach(String name, Map<String, Object> body) {
        return given().contentType("application/json").body(toJson(body)).when().post("/1.0/instances/" + name + "/console");
    }

    static String log(String name) {
        Response r = given().when().get("/1.0/instances/" + name + "/console");
        assertEquals(200, r.statusCode(), r::asString);
        return r.asString();
    }

    static String awaitLog(String name, String text) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        String l = "";
        while (System.nanoTime() < deadline) {
            Path f = daemon.dataDir().resolve("containers").resolve(name).resolve("console.log");
            if (Files.exists(f) && Files.size(f) > 0 && (l = log(name)).contains(text)) {
                return l;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("console log of " + name + " never contained \"" + text + "\": " + l);
    }

    record Session(Response accepted, ExecChannel data, ExecChannel control) implements AutoCloseable {
        @Override
        public void close() {
            data.close();
            control.close();
        }
    }

    static Session open(String name, int width, int height) throws Exception {
        Response r = attach(name, Map.of("width", width, "height", height, "type", "console"));
        assertEquals(202, r.statusCode(), r::asString);
        JsonNode op = json(r).get("metadata");
        assertEquals("websocket", op.get("class").asText());
        JsonNode fds = op.get("metadata").get("fds");
        assertEquals(2, fds.size(), fds::toString);
        ExecChannel data = ExecChannel.open(daemon.socket(), op.get("id").asText(), fds.get("0").asText());
        ExecChannel control = ExecChannel.open(daemon.socket(), op.get("id").asText(), fds.get("control").asText());
        assertEquals(101, data.status);
        assertEquals(101, control.status);
        return new Session(r, data, control);
    }

    @Test
    void logHoldsTheBootOutputAndAnAttachedShellAnswers() throws Exception {
        assertTrue(awaitLog(CON, "BusyBox").contains("built-in shell"));
        try (Session s = open(CON, 80, 24)) {
            s.data().sendBinary("\necho fi-$((6*7))\n".getBytes(StandardCharsets.UTF_8));
            s.data().awaitText("fi-42", 15);
            s.control().sendText("{\"command\":\"window-resize\",\"args\":{\"width\":\"101\",\"height\":\"33\"}}");
            s.data().sendBinary("echo still-$((2+3))\n".getBytes(StandardCharsets.UTF_8));
            s.data().awaitText("still-5", 15);
            s.data().sendClose();
            JsonNode done = Instances.await(s.accepted());
            assertEquals("Success", done.get("status").asText(), done::toString);
        }
        // what the shell printed is in the log too; the console is free again for the next client
        assertTrue(awaitLog(CON, "fi-42").contains("fi-42"));
        try (Session s = open(CON, 80, 24)) {
            s.data().sendBinary("echo again-$((1+1))\n".getBytes(StandardCharsets.UTF_8));
            s.data().awaitText("again-2", 15);
            s.data().sendClose();
            Instances.await(s.accepted());
        }
        // jlxc console: input forwarded until ctrl+a q
        jlxcConsole();
        // clear
        given().when().delete("/1.0/instances/" + CON + "/console").then().statusCode(200);
        assertEquals(0, Files.size(daemon.dataDir().resolve("containers").resolve(CON).resolve("console.log")));
        // the monitor appends: what comes next starts the log again, no hole of zeros
        try (Session s = open(CON, 80, 24)) {
            s.data().sendBinary("echo after-$((5*5))\n".getBytes(StandardCharsets.UTF_8));
            s.data().awaitText("after-25", 15);
            s.data().sendClose();
            Instances.await(s.accepted());
        }
        String after = awaitLog(CON, "after-25");
        assertTrue(after.indexOf('\0') < 0 && !after.contains("fi-42"), after);
    }

    /** Runs {@code jlxc console} with a pipe as stdin: a command, its output, then ctrl+a q detaches. */
    static void jlxcConsole() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(TestEnv.java(), "-jar", TestEnv.cliJar().toString(), "console", CON)
                .redirectErrorStream(true);
        pb.environment().put("JLXD_DIR", daemon.dataDir().toString());
        Process p = pb.start();
        StringBuffer out = new StringBuffer();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (var in = p.getInputStream()) {
                byte[] b = new byte[4096];
                int n;
                while ((n = in.read(b)) > 0) {
                    out.append(new String(b, 0, n, StandardCharsets.UTF_8));
                }
            } catch (java.io.IOException e) {
                // ended
            }
        });
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!out.toString().contains("cli-9") && System.nanoTime() < deadline) {
                p.getOutputStream().write("echo cli-$((3*3))\n".getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().flush();
                Thread.sleep(500);
            }
            assertTrue(out.toString().contains("cli-9"), out::toString);
            p.getOutputStream().write(new byte[] {1, 'q'});
            p.getOutputStream().flush();
            assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), out::toString);
            assertEquals(0, p.exitValue(), out::toString);
        } finally {
            p.destroyForcibly();
            reader.join(5000);
        }
    }

    @Test
    void theCheckpointableDefaultHasNoConsole() {
        for (Response r : new Response[] {given().when().get("/1.0/instances/" + PLAIN + "/console"),
                attach(PLAIN, Map.of("width", 80, "height", 24)),
                given().when().delete("/1.0/instances/" + PLAIN + "/console")}) {
            assertEquals(400, r.statusCode(), r::asString);
            assertTrue(json(r).get("error").asText().contains("migration.stateful=false"), r::asString);
        }
    }

    @Test
    void badInput() {
        given().when().get("/1.0/instances/fi-nope/console").then().statusCode(404);
        attach("fi-nope", Map.of()).then().statusCode(404);
        attach(CON, Map.of("type", "vga")).then().statusCode(400);
        attach(CON, Map.of("width", -1)).then().statusCode(400);
        given().header(ContractFilter.invalidRequest()).contentType("application/json").body("{\"colour\":1}")
                .when().post("/1.0/instances/" + CON + "/console").then().statusCode(400);
        given().header(ContractFilter.invalidRequest()).when().get("/1.0/instances/" + CON + "/console?type=vga")
                .then().statusCode(400);
    }

    @Test
    void aStoppedInstanceHasALogButNoSession() throws Exception {
        String name = "fi-con2";
        String fp = json(given().when().get("/1.0/images?recursion=1")).get("metadata").get(0).get("fingerprint").asText();
        Instances.ok(Instances.create(Map.of("name", name, "source", Map.of("type", "image", "fingerprint", fp),
                "config", Map.of("migration.stateful", "false"))));
        Response stopped = attach(name, Map.of());
        assertEquals(400, stopped.statusCode(), stopped::asString);
        assertTrue(json(stopped).get("error").asText().contains("not running"), stopped::asString);
        Instances.ok(Instances.action(name, Map.of("action", "start")));
        awaitLog(name, "BusyBox");
        Instances.ok(Instances.action(name, Map.of("action", "stop", "force", true)));
        assertTrue(log(name).contains("BusyBox"));
        Jlxc.Result cli = Jlxc.run(daemon.dataDir(), "console", name, "--show-log");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertTrue(cli.stdout().contains("BusyBox"), cli::toString);
    }
}
