package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rename is journaled (issue 12): the state a SIGKILL leaves between the row and the volume is made with the
 * daemon stopped (the database edited with sqlite3, the volume moved by hand), and the next start settles it under
 * the row's name instead of taking the renamed row for an unfinished creation and deleting it.
 */
class RenameRecoveryTest extends DaemonTestBase {
    @BeforeAll
    static void instance() throws Exception {
        daemon.allowWarnings("start-up recovery:");
        Instances.openTempRoot(daemon);
        String fp = Instances.importImage(Instances.busyboxImage());
        Instances.ok(Instances.create(Map.of("name", "rr1", "source", Map.of("type", "image", "fingerprint", fp))));
        Instances.ok(Snapshots.post("rr1", Map.of("name", "s0")));
        Files.writeString(volume("rr1").resolve("rootfs/marker"), "kept\n");
    }

    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
    }

    private static Path volume(String name) {
        return daemon.dataDir().resolve("storage-pools/default/containers/" + name);
    }

    private static void sql(String statements) throws Exception {
        Process p = new ProcessBuilder("sqlite3", daemon.dataDir().resolve("database/local.db").toString(), statements)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "sqlite3: " + out);
    }

    private static void restart() {
        daemon.startProcess();
        useSocket(daemon);
    }

    @Test
    void aRenameInterruptedAfterItsRowIsFinishedAtStart() throws Exception {
        daemon.stop();
        // the row is renamed, the volume, its snapshots and the LXC definition are not
        sql("UPDATE instances SET name = 'rr2' WHERE name = 'rr1'; INSERT INTO instances_renames(old_name, new_name) VALUES ('rr1', 'rr2');");
        restart();
        assertEquals(200, given().when().get("/1.0/instances/rr2").statusCode(), "the renamed instance is kept");
        assertEquals(404, given().when().get("/1.0/instances/rr1").statusCode());
        assertEquals(List.of("s0"), Snapshots.names("rr2"));
        assertEquals("kept\n", Files.readString(volume("rr2").resolve("rootfs/marker")));
        assertTrue(Files.isDirectory(daemon.dataDir().resolve("storage-pools/default/containers-snapshots/rr2/s0")));
        assertFalse(Files.exists(volume("rr1")));
        assertTrue(Files.exists(daemon.dataDir().resolve("containers/rr2/config")), "defined under the new name");
        assertFalse(Files.exists(daemon.dataDir().resolve("containers/rr1")));

        // and back: a row renamed back while the volume stayed under the new name (an undo cut short)
        daemon.stop();
        Files.move(volume("rr2"), volume("rr3"));
        sql("INSERT INTO instances_renames(old_name, new_name) VALUES ('rr2', 'rr3');");
        restart();
        assertEquals(200, given().when().get("/1.0/instances/rr2").statusCode());
        assertEquals("kept\n", Files.readString(volume("rr2").resolve("rootfs/marker")), "the volume came back under the row's name");
        assertFalse(Files.exists(volume("rr3")));
        Instances.ok(Instances.action("rr2", Map.of("action", "start")));
        Instances.ok(Instances.action("rr2", Map.of("action", "stop", "force", true)));

        // a normal rename leaves no journal behind
        Instances.ok(given().contentType("application/json").body("{\"name\":\"rr4\"}").when().post("/1.0/instances/rr2"));
        daemon.stop();
        Process p = new ProcessBuilder("sqlite3", daemon.dataDir().resolve("database/local.db").toString(),
                "SELECT count(*) FROM instances_renames;").start();
        assertEquals("0", new String(p.getInputStream().readAllBytes()).strip());
        p.waitFor(30, TimeUnit.SECONDS);
        restart();
        assertEquals(200, given().when().get("/1.0/instances/rr4").statusCode());
    }
}
