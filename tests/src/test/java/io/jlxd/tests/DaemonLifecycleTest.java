package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The daemon process: socket permissions, single instance per data dir, clean SIGTERM, state kept across restarts. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonLifecycleTest extends DaemonTestBase {

    @Test
    @Order(1)
    void socketIsMode0660() throws Exception {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(daemon.socket());
        assertEquals(PosixFilePermissions.fromString("rw-rw----"), perms,
                "unix.socket permissions: " + PosixFilePermissions.toString(perms));
    }

    @Test
    @Order(2)
    void secondInstanceOnTheSameDataDirIsRefused() throws Exception {
        Path err = Files.createTempFile("jlxd-second-", ".stderr");
        try {
            Process second = new ProcessBuilder(JlxdDaemon.command(daemon.dataDir()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            boolean exited = second.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            assertTrue(exited, "a second daemon on the same data dir kept running; stderr: " + stderr);
            assertNotEquals(0, second.exitValue(), "a refused second instance must exit non-zero; stderr: " + stderr);
            assertTrue(stderr.toLowerCase().contains("already running"),
                    "stderr should say the daemon is already running: " + stderr);
            assertTrue(stderr.contains(daemon.dataDir().toString()), "stderr should name the data dir: " + stderr);
        } finally {
            Files.deleteIfExists(err);
        }
        // The first daemon is untouched: still alive, same socket, still answering.
        assertTrue(daemon.isAlive());
        assertEquals(daemon.pid(), server().get("environment").get("server_pid").asLong());
        socketIsMode0660();
    }

    @Test
    @Order(3)
    void sigtermStopsCleanlyAndRestartKeepsTheConfig() {
        Response r = given().contentType(ContentType.JSON)
                .body(configBody(Map.of("user.persist", "yes", "core.shutdown_timeout", "3")))
                .when().put("/1.0");
        assertEquals(200, r.statusCode(), r::asString);
        JsonNode before = server();
        long oldPid = daemon.pid();

        int exit = daemon.stop();
        assertEquals(0, exit, () -> "SIGTERM must stop the daemon with exit code 0; stderr:\n" + daemon.stderr());

        daemon.startProcess();
        assertNotEquals(oldPid, daemon.pid());
        JsonNode after = server();
        assertEquals(Map.of("user.persist", "yes", "core.shutdown_timeout", "3"), serverConfig());
        assertEquals(daemon.pid(), after.get("environment").get("server_pid").asLong());
        assertEquals(before.get("environment").get("certificate_fingerprint").asText(),
                after.get("environment").get("certificate_fingerprint").asText(),
                "the server certificate survives a restart");
    }

    @Test
    @Order(4)
    void restartWithoutChangesKeepsEtag() {
        String etag = etag();
        assertEquals(0, daemon.restart(), () -> "stderr:\n" + daemon.stderr());
        assertEquals(etag, etag(), "same config, same ETag across a restart");
    }
}
