package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** jlxc storage and storage volume against a real daemon. */
class StorageCliTest extends DaemonTestBase {

    private static Jlxc.Result jlxc(String... args) {
        return Jlxc.run(daemon.dataDir(), args);
    }

    private static Jlxc.Result ok(String... args) {
        Jlxc.Result r = jlxc(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    @AfterEach
    void cleanup() {
        Instances.cleanup(daemon);
    }

    @Test
    void poolsAndVolumes() throws Exception {
        ok("storage", "create", "sp-cli", "btrfs", "size=512MiB");
        Jlxc.Result list = ok("storage", "list", "--format", "csv");
        assertTrue(list.stdout().contains("sp-cli,btrfs,loop (512MiB)"), list::toString);
        assertTrue(list.stdout().contains("default,dir"), list::toString);
        ok("storage", "set", "sp-cli", "user.team=infra");
        assertEquals("infra", ok("storage", "get", "sp-cli", "user.team").stdout().trim());
        ok("storage", "unset", "sp-cli", "user.team");
        assertTrue(ok("storage", "show", "sp-cli").stdout().contains("driver: btrfs"));
        assertTrue(ok("storage", "info", "sp-cli").stdout().contains("total space"));
        Jlxc.Result bad = jlxc("storage", "set", "sp-cli", "size=1GiB");
        assertEquals(1, bad.exitCode(), bad::toString);
        assertTrue(bad.stderr().startsWith("Error: "), bad::toString);

        ok("storage", "volume", "create", "sp-cli", "sp-vol", "size=20MiB");
        assertEquals("20MiB", ok("storage", "volume", "get", "sp-cli", "sp-vol", "size").stdout().trim());
        Path vol = daemon.dataDir().resolve("storage-pools/sp-cli/custom/sp-vol");
        Files.writeString(vol.resolve("f"), "one");
        ok("storage", "volume", "snapshot", "sp-cli", "sp-vol", "s1");
        Files.writeString(vol.resolve("f"), "two");
        ok("storage", "volume", "restore", "sp-cli", "sp-vol", "s1");
        assertEquals("one", Files.readString(vol.resolve("f")));
        ok("storage", "volume", "copy", "sp-cli/sp-vol/s1", "sp-cli/sp-vol2");
        assertEquals("one", Files.readString(daemon.dataDir().resolve("storage-pools/sp-cli/custom/sp-vol2/f")));
        Jlxc.Result vols = ok("storage", "volume", "list", "sp-cli", "--format", "csv");
        assertTrue(vols.stdout().contains("custom,sp-vol,") && vols.stdout().contains("custom,sp-vol2,"), vols::toString);

        // attach / detach on an instance without an image (source none)
        Instances.ok(Instances.create(Map.of("name", "sp-cli-c", "source", Map.of("type", "none"))));
        ok("storage", "volume", "attach", "sp-cli", "sp-vol", "sp-cli-c", "data", "/mnt/data", "--readonly");
        assertEquals("true", Instances.instance("sp-cli-c").get("devices").get("data").get("readonly").asText());
        assertTrue(ok("storage", "volume", "show", "sp-cli", "sp-vol").stdout().contains("/1.0/instances/sp-cli-c"));
        Jlxc.Result busy = jlxc("storage", "volume", "delete", "sp-cli", "sp-vol");
        assertEquals(1, busy.exitCode(), busy::toString);
        ok("storage", "volume", "detach", "sp-cli", "sp-vol", "sp-cli-c");
        assertFalse(Instances.instance("sp-cli-c").get("devices").has("data"));

        ok("storage", "volume", "delete", "sp-cli", "sp-vol/s1");
        ok("storage", "volume", "rename", "sp-cli", "sp-vol2", "sp-vol3");
        ok("storage", "volume", "delete", "sp-cli", "sp-vol3");
        ok("storage", "volume", "delete", "sp-cli", "sp-vol");
        ok("storage", "delete", "sp-cli");
        assertEquals(404, given().when().get("/1.0/storage-pools/sp-cli").statusCode());
    }
}
