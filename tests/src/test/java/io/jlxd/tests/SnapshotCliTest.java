package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** jlxc snapshot, restore, copy, delete NAME/SNAP, info and list against the real daemon. */
class SnapshotCliTest extends DaemonTestBase {
    @BeforeAll
    static void image() {
        Instances.openTempRoot(daemon);
        String fp = Instances.importImage(Instances.busyboxImage());
        assertEquals(200, given().contentType("application/json").body(toJson(Map.of("name", "busybox", "target", fp)))
                .when().post("/1.0/images/aliases").statusCode());
    }

    @AfterAll
    static void cleanup() {
        Instances.cleanup(daemon);
    }

    private static Jlxc.Result jlxc(String... args) {
        return Jlxc.run(daemon.dataDir(), args);
    }

    private static Jlxc.Result ok(String... args) {
        Jlxc.Result r = jlxc(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    private static Jlxc.Result fails(String expected, String... args) {
        Jlxc.Result r = jlxc(args);
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains(expected), r::toString);
        return r;
    }

    @Test
    void snapshotRestoreCopyDelete() throws Exception {
        ok("init", "busybox", "sn-l");
        ok("snapshot", "sn-l");
        ok("snapshot", "sn-l", "keep");
        fails("already exists", "snapshot", "sn-l", "keep");
        ok("snapshot", "sn-l", "keep", "--reuse");
        fails("running", "snapshot", "sn-l", "live", "--stateful");
        fails("not found", "snapshot", "sn-nope");
        assertEquals(List.of("snap0", "keep"), Snapshots.names("sn-l"));

        String info = ok("info", "sn-l").stdout();
        assertTrue(info.contains("Snapshots:") && info.contains("  snap0 (taken at ") && info.contains("  keep (taken at "), info);
        assertEquals("sn-l,2", ok("list", "-c", "nS", "--format", "csv").stdout().strip());

        Files.writeString(Snapshots.volume(daemon, "sn-l").resolve("rootfs/marker"), "changed\n");
        ok("restore", "sn-l", "keep");
        assertFalse(Files.exists(Snapshots.volume(daemon, "sn-l").resolve("rootfs/marker")));
        fails("not found", "restore", "sn-l", "nope");
        fails("not stateful", "restore", "sn-l", "keep", "--stateful");

        ok("copy", "sn-l", "sn-m", "-c", "user.copied=yes");
        ok("copy", "sn-l/keep", "sn-n");
        ok("copy", "sn-l", "sn-o", "--instance-only");
        fails("not found", "copy", "sn-l/nope", "sn-p");
        assertEquals(List.of("sn-l,2", "sn-m,2", "sn-n,0", "sn-o,0"), ok("list", "-c", "nS", "--format", "csv").stdout().strip().lines().toList());
        assertEquals("yes", Instances.instance("sn-m").get("config").get("user.copied").asText());

        ok("delete", "sn-l/snap0");
        assertEquals(List.of("keep"), Snapshots.names("sn-l"));
        fails("not found", "delete", "sn-l/snap0");
        ok("start", "sn-n");
        assertEquals("hi\n", ok("exec", "sn-n", "--", "echo", "hi").stdout());
        ok("delete", "--force", "sn-l", "sn-m", "sn-n", "sn-o");
        assertEquals(List.of(), Instances.names());
    }
}
