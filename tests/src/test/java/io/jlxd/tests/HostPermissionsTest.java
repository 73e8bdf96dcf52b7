package io.jlxd.tests;

import static io.jlxd.tests.StoragePoolsApiTest.post;
import static io.jlxd.tests.StoragePoolsApiTest.status;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an ordinary host user can reach in the data directory (issue 12; LXD's CVE-2016-1582 class of bug). Every
 * kind of object is made (unprivileged instances running and stopped, a privileged one, a stateful-stopped one
 * with its CRIU state, snapshots, custom volumes and their snapshots, an image, a btrfs pool on a loop file with an
 * instance), then every path of the data directory is tried as {@code nobody} ({@code setpriv --reuid=65534
 * --regid=65534 --clear-groups}): nothing may be readable, writable or searchable but the data directory itself
 * (searchable only: the Unix socket lives there, and its own mode decides). The same after loosening the modes as
 * an older version left them and restarting: the daemon fixes them at start. The containers keep working.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class HostPermissionsTest extends DaemonTestBase {
    private static final String BTRFS = "hp-btrfs";

    @BeforeAll
    static void setUp() {
        Instances.openTempRoot(daemon);
        String fp = Instances.importImage(Instances.busyboxImage());
        status(200, post("/1.0/storage-pools", Map.of("name", BTRFS, "driver", "btrfs", "config", Map.of("size", "1GiB"))));
        Instances.ok(post("/1.0/storage-pools/default/volumes/custom", Map.of("name", "hp-vol")));
        Instances.ok(post("/1.0/storage-pools/" + BTRFS + "/volumes/custom", Map.of("name", "hp-bvol")));
        launch("hp-u1", fp, Map.of(), Map.of("v", Map.of("type", "disk", "pool", "default", "source", "hp-vol", "path", "/mnt/v")));
        launch("hp-u2", fp, Map.of(), Map.of());
        launch("hp-p1", fp, Map.of("security.privileged", "true"), Map.of());
        launch("hp-st", fp, Map.of(), Map.of());
        launch("hp-b1", fp, Map.of(), Map.of("root", Map.of("type", "disk", "path", "/", "pool", BTRFS),
                "v", Map.of("type", "disk", "pool", BTRFS, "source", "hp-bvol", "path", "/mnt/v")));
        for (String c : List.of("hp-u1", "hp-b1")) {
            Jlxc.Result r = exec(c, "echo secret > /root/secret && echo data > /mnt/v/data && chmod 4755 /bin/busybox");
            assertEquals(0, r.exitCode(), r::toString);
        }
        Instances.ok(Snapshots.post("hp-u1", Map.of("name", "snap0")));
        Instances.ok(Snapshots.post("hp-b1", Map.of("name", "snap0")));
        Instances.ok(Snapshots.post("hp-u1", Map.of("name", "live", "stateful", true)));
        Instances.ok(post("/1.0/storage-pools/default/volumes/custom/hp-vol/snapshots", Map.of("name", "s0")));
        Instances.ok(Instances.action("hp-u2", Map.of("action", "stop", "force", true)));
        Instances.ok(Instances.action("hp-st", Map.of("action", "stop", "stateful", true)));
    }

    @AfterAll
    static void tearDown() {
        Instances.cleanup(daemon);
    }

    private static void launch(String name, String fp, Map<String, String> config, Map<String, Object> devices) {
        Instances.ok(Instances.create(Map.of("name", name, "source", Map.of("type", "image", "fingerprint", fp),
                "config", config, "devices", devices)));
        Instances.ok(Instances.action(name, Map.of("action", "start")));
    }

    private static Jlxc.Result exec(String name, String script) {
        return Jlxc.run(daemon.dataDir(), "exec", name, "--", "sh", "-c", script);
    }

    /** Every path under the data directory that {@code nobody} can read, write or search. */
    static List<String> reachableByNobody(Path dataDir) throws IOException, InterruptedException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(dataDir)) {
            all = s.toList();
        }
        assertTrue(all.size() > 500, "the walk sees the rootfs files too: " + all.size());
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "xargs", "-0", "sh", "-c",
                "for f; do if [ -r \"$f\" ] || [ -w \"$f\" ] || [ -x \"$f\" ]; then echo \"$f\"; fi; done", "sh")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (OutputStream out = p.getOutputStream()) {
                for (Path f : all) {
                    out.write((f + "\0").getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the walk as nobody did not finish");
        feeder.join();
        assertEquals(0, p.exitValue(), "setpriv/xargs failed");
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    private static void assertOnlyTheSocketDirectory() throws Exception {
        assertEquals(List.of(daemon.dataDir().toString()), reachableByNobody(daemon.dataDir()),
                "a host user reaches more than the data directory");
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void aHostUserReachesNothingButTheSocketDirectory() throws Exception {
        assertOnlyTheSocketDirectory();
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void containersStillWorkWithTheirUsualUmask() {
        for (String c : List.of("hp-u1", "hp-p1", "hp-b1")) {
            Jlxc.Result r = exec(c, "umask; cat /root/secret 2>/dev/null; touch /tmp/f && ls -l /tmp/f; cat /mnt/v/data 2>/dev/null; true");
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.stdout().startsWith("0022\n"), "a container's processes get umask 0022, not the daemon's: " + r);
            assertTrue(r.stdout().contains("-rw-r--r--"), r::toString);
        }
        Instances.ok(Instances.action("hp-st", Map.of("action", "start")));
        assertEquals("Running", Instances.state("hp-st").get("status").asText());
        Instances.ok(Instances.action("hp-u2", Map.of("action", "start")));
        Instances.ok(Instances.action("hp-st", Map.of("action", "stop", "stateful", true)));
        Instances.ok(Instances.action("hp-u2", Map.of("action", "stop", "force", true)));
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void anOlderDataDirectoryIsFixedAtStart() throws Exception {
        Path d = daemon.dataDir();
        String open = "rwxr-xr-x";
        for (String p : List.of("database", "logs", "images", "containers", "storage-pools", "storage-pools/default",
                "storage-pools/default/containers", "storage-pools/default/containers/hp-u1", "storage-pools/default/containers/hp-p1",
                "storage-pools/default/containers-snapshots", "storage-pools/default/custom", "storage-pools/" + BTRFS,
                "storage-pools/" + BTRFS + "/images", "disks", "containers/hp-u1")) {
            Files.setPosixFilePermissions(d.resolve(p), PosixFilePermissions.fromString(open));
        }
        Files.setAttribute(d.resolve("storage-pools/default/containers/hp-u1"), "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
        try (Stream<Path> s = Stream.concat(Files.list(d.resolve("database")), Files.list(d.resolve("logs")))) {
            for (Path f : s.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        assertTrue(reachableByNobody(d).size() > 100, "the loosened modes expose the data directory");
        daemon.restart();
        assertOnlyTheSocketDirectory();
        Jlxc.Result r = exec("hp-u1", "cat /root/secret");
        assertEquals("secret\n", r.stdout(), r::toString);
        status(200, given().when().get("/1.0/instances/hp-u1"));
    }
}
