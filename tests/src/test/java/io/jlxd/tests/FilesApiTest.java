package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /1.0/instances/{name}/files} on real unprivileged busybox containers, running and stopped: content,
 * ownership and mode as the container sees them, directories, symlinks, append, delete, the container's own mounts,
 * escape attempts that must never touch the host's canary, bad input.
 */
@Timeout(180)
class FilesApiTest extends DaemonTestBase {
    static final String RUN = "fi-run";
    static final String STOP = "fi-stop";
    static String fingerprint;
    static Path canaryDir;
    static Path canary;

    @BeforeAll
    static void containers() throws Exception {
        Instances.openTempRoot(daemon);
        fingerprint = Instances.importImage(Instances.busyboxImage());
        Map<String, Object> source = Map.of("type", "image", "fingerprint", fingerprint);
        Instances.ok(Instances.create(Map.of("name", RUN, "source", source)));
        Instances.ok(Instances.create(Map.of("name", STOP, "source", source)));
        Instances.ok(Instances.action(RUN, Map.of("action", "start")));
        canaryDir = Files.createDirectories(daemon.dataDir().getParent().resolve("fi-canary"));
        canary = Files.writeString(canaryDir.resolve("canary"), "host secret");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        Instances.cleanup(daemon);
        if (canaryDir != null) {
            Files.deleteIfExists(canary);
            Files.deleteIfExists(canaryDir);
        }
    }

    static Path rootfs(String name) {
        return daemon.dataDir().resolve("storage-pools/default/containers").resolve(name).resolve("rootfs");
    }

    static Response get(String name, String path) {
        return given().queryParam("path", path).when().get("/1.0/instances/" + name + "/files");
    }

    static Response push(String name, String path, byte[] body, String... headers) {
        RequestSpecification r = given().queryParam("path", path).contentType("application/octet-stream").body(body);
        for (int i = 0; i < headers.length; i += 2) {
            r = r.header(headers[i], headers[i + 1]);
        }
        return r.when().post("/1.0/instances/" + name + "/files");
    }

    static Response push(String name, String path, String body, String... headers) {
        return push(name, path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    static Response delete(String name, String path) {
        return given().queryParam("path", path).when().delete("/1.0/instances/" + name + "/files");
    }

    /** The command, then an echo: recorded output is never empty. */
    static List<String> wrapped(String... command) {
        List<String> c = new ArrayList<>(List.of("sh", "-c", "\"$@\"; rc=$?; echo; exit $rc", "sh"));
        c.addAll(List.of(command));
        return c;
    }

    /** Runs a command in RUN (record-output) and returns its stdout. */
    static String exec(String... command) {
        Response r = given().contentType("application/json")
                .body(toJson(Map.of("command", wrapped(command), "wait-for-websocket", false, "record-output", true)))
                .when().post("/1.0/instances/" + RUN + "/exec");
        JsonNode op = Instances.ok(r);
        assertEquals(0, op.get("metadata").get("return").asInt(), () -> "exec " + List.of(command) + ": " + op);
        String out = given().when().get(op.get("metadata").get("output").get("1").asText()).asString();
        return out.substring(0, out.length() - 1);
    }

    static void assertCanaryUntouched() throws IOException {
        assertEquals("host secret", Files.readString(canary));
        try (var s = Files.list(canaryDir)) {
            assertEquals(List.of(canary), s.toList());
        }
    }

    @Test
    void pushAndPullContentOnRunningAndStoppedInstances() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(data);
        for (String c : List.of(RUN, STOP)) {
            push(c, "/root/blob", data).then().statusCode(200);
            Response r = get(c, "/root/blob");
            assertEquals(200, r.statusCode());
            assertEquals("file", r.getHeader("X-LXD-type"));
            assertEquals("0", r.getHeader("X-LXD-uid"));
            assertEquals("0644", r.getHeader("X-LXD-mode"));
            assertArrayEquals(data, r.asByteArray());
            Response head = given().queryParam("path", "/root/blob").when().head("/1.0/instances/" + c + "/files");
            assertEquals(200, head.statusCode());
            assertEquals("file", head.getHeader("X-LXD-type"));
        }
        assertEquals(Integer.toString(data.length), exec("sh", "-c", "wc -c < /root/blob").trim());
        // the host sees the mapped owner
        assertEquals(1_000_000, Files.getAttribute(rootfs(STOP).resolve("root/blob"), "unix:uid"));
    }

    @Test
    void ownershipAndModeAsTheContainerSeesThem() {
        push(RUN, "/tmp/owned", "x", "X-LXD-uid", "1000", "X-LXD-gid", "1001", "X-LXD-mode", "0640").then().statusCode(200);
        assertEquals("1000 1001 640", exec("stat", "-c", "%u %g %a", "/tmp/owned").trim());
        Response r = get(RUN, "/tmp/owned");
        assertEquals("1000", r.getHeader("X-LXD-uid"));
        assertEquals("1001", r.getHeader("X-LXD-gid"));
        assertEquals("0640", r.getHeader("X-LXD-mode"));
        // overwrite keeps owner and mode; append adds
        push(RUN, "/tmp/owned", "y").then().statusCode(200);
        push(RUN, "/tmp/owned", "z", "X-LXD-write", "append").then().statusCode(200);
        assertEquals("1000 1001 640 yz", exec("sh", "-c", "echo $(stat -c '%u %g %a' /tmp/owned) $(cat /tmp/owned)").trim());
        // a file created inside the container by root, then read: uid 0
        exec("sh", "-c", "echo hi > /tmp/byroot");
        assertEquals("0", get(RUN, "/tmp/byroot").getHeader("X-LXD-uid"));
        assertEquals("hi\n", get(RUN, "/tmp/byroot").asString());
    }

    @Test
    void directoriesSymlinksAndDelete() {
        push(RUN, "/srv", "", "X-LXD-type", "directory", "X-LXD-mode", "0750", "X-LXD-uid", "5").then().statusCode(200);
        push(RUN, "/srv", "", "X-LXD-type", "directory").then().statusCode(200); // exists: fine
        assertEquals("5 0 750", exec("stat", "-c", "%u %g %a", "/srv").trim());
        push(RUN, "/srv/a", "a").then().statusCode(200);
        push(RUN, "/srv/link", "a", "X-LXD-type", "symlink").then().statusCode(200);
        push(RUN, "/srv/abs", "/etc/inittab", "X-LXD-type", "symlink").then().statusCode(200);
        Response list = get(RUN, "/srv");
        assertEquals(200, list.statusCode());
        assertEquals("directory", list.getHeader("X-LXD-type"));
        List<String> names = new ArrayList<>();
        json(list).get("metadata").forEach(n -> names.add(n.asText()));
        assertEquals(List.of("a", "abs", "link"), names);
        assertEquals("a", exec("readlink", "/srv/link").trim());
        Response link = get(RUN, "/srv/link");
        assertEquals("symlink", link.getHeader("X-LXD-type"));
        assertEquals("/srv/a", link.asString());
        assertEquals("/etc/inittab", get(RUN, "/srv/abs").asString());
        // writing through a symlink writes its target (LXD)
        push(RUN, "/srv/link", "through").then().statusCode(200);
        assertEquals("through", exec("cat", "/srv/a"));
        push(RUN, "/srv/link", "/other", "X-LXD-type", "symlink").then().statusCode(409);
        delete(RUN, "/srv").then().statusCode(400);
        delete(RUN, "/srv/link").then().statusCode(200);
        delete(RUN, "/srv/abs").then().statusCode(200);
        delete(RUN, "/srv/a").then().statusCode(200);
        delete(RUN, "/srv/a").then().statusCode(404);
        delete(RUN, "/srv").then().statusCode(200);
        get(RUN, "/srv").then().statusCode(404);
    }

    @Test
    void aRunningContainerIsSeenWithItsOwnMounts() {
        exec("sh", "-c", "mkdir -p /mnt/fi && mount -t tmpfs fi-tmp /mnt/fi");
        try {
            // a tmpfs mounted by the container's own user namespace: files are created there as its root
            exec("sh", "-c", "echo mounted > /mnt/fi/in-tmpfs");
            assertEquals("mounted\n", get(RUN, "/mnt/fi/in-tmpfs").asString());
            push(RUN, "/mnt/fi/in-tmpfs", "+appended", "X-LXD-write", "append").then().statusCode(200);
            assertEquals("mounted\n+appended", exec("cat", "/mnt/fi/in-tmpfs"));
            push(RUN, "/mnt/fi/in-tmpfs", "rewritten").then().statusCode(200);
            push(RUN, "/mnt/fi/new", "new", "X-LXD-uid", "1000", "X-LXD-gid", "1001", "X-LXD-mode", "0600").then().statusCode(200);
            push(RUN, "/mnt/fi/dir", "", "X-LXD-type", "directory").then().statusCode(200);
            push(RUN, "/mnt/fi/dir/link", "../new", "X-LXD-type", "symlink").then().statusCode(200);
            assertEquals("rewritten new 1000 1001 600 0 0 755 ../new", exec("sh", "-c", "echo $(cat /mnt/fi/in-tmpfs) "
                    + "$(cat /mnt/fi/dir/link) $(stat -c '%u %g %a' /mnt/fi/new) $(stat -c '%u %g %a' /mnt/fi/dir) "
                    + "$(readlink /mnt/fi/dir/link)").trim());
            assertFalse(Files.exists(rootfs(RUN).resolve("mnt/fi/in-tmpfs"), LinkOption.NOFOLLOW_LINKS));
            // nothing of the daemon's own credentials leaked to its threads: a file in the rootfs is still created as before
            push(RUN, "/root/after-tmpfs", "x").then().statusCode(200);
            assertEquals("0 0 644", exec("stat", "-c", "%u %g %a", "/root/after-tmpfs").trim());
        } finally {
            exec("umount", "/mnt/fi");
        }
        // kernel file systems are not served (the daemon is host root there)
        get(RUN, "/proc/1/environ").then().statusCode(403);
        push(RUN, "/proc/sys/kernel/hostname", "x").then().statusCode(403);
    }

    @Test
    void escapeAttemptsNeverTouchTheHost() throws Exception {
        String abs = canary.toString();
        String dir = canaryDir.toString();
        for (String c : List.of(RUN, STOP)) {
            Path root = rootfs(c);
            String up = "../".repeat(root.getNameCount() + 3);
            String rel = up + canary.toString().substring(1);
            // links a container could make: absolute and relative to the host canary, a symlinked parent dir
            push(c, "/abs", abs, "X-LXD-type", "symlink").then().statusCode(200);
            push(c, "/rel", rel, "X-LXD-type", "symlink").then().statusCode(200);
            push(c, "/pdir", dir, "X-LXD-type", "symlink").then().statusCode(200);
            push(c, "/relpdir", up + dir.substring(1), "X-LXD-type", "symlink").then().statusCode(200);
            push(c, "/top", "../../../../", "X-LXD-type", "symlink").then().statusCode(200);
            for (String path : List.of(abs, "/../../../.." + abs, "/pdir/canary", "/relpdir/canary", "/top" + abs, "/top/top/.." + abs)) {
                get(c, path).then().statusCode(404);
                push(c, path, "pwned").then().statusCode(404);
                push(c, path, "pwned", "X-LXD-write", "append").then().statusCode(404);
                delete(c, path).then().statusCode(404);
            }
            // writing through a link to the host canary: resolved in the root, the target's directories don't exist
            push(c, "/abs", "pwned").then().statusCode(404);
            push(c, "/rel", "pwned").then().statusCode(404);
            push(c, "/abs", "pwned", "X-LXD-write", "append").then().statusCode(404);
            assertEquals("symlink", get(c, "/abs").getHeader("X-LXD-type"));
            // /top/../etc is the container's /etc
            assertTrue(get(c, "/top/../../etc/inittab").asString().contains("::"), "the container's inittab");
            for (String l : List.of("/abs", "/rel", "/pdir", "/relpdir", "/top")) {
                delete(c, l).then().statusCode(200);
            }
            assertCanaryUntouched();
        }
        // the container's root itself makes the links, from inside
        exec("sh", "-c", "ln -s " + dir + " /inpdir && ln -s /proc/1/root /magic && ln -s /proc/1/cwd /magic2");
        get(RUN, "/inpdir/canary").then().statusCode(404);
        push(RUN, "/inpdir/canary", "pwned").then().statusCode(404);
        get(RUN, "/magic/etc/inittab").then().statusCode(400);
        push(RUN, "/magic2/x", "pwned").then().statusCode(400);
        exec("rm", "/inpdir", "/magic", "/magic2");
        assertCanaryUntouched();
    }

    @Test
    void badInput() {
        given().header(ContractFilter.invalidRequest()).when().get("/1.0/instances/" + RUN + "/files").then().statusCode(400);
        given().header(ContractFilter.invalidRequest()).contentType("application/octet-stream").body(new byte[] {'x'})
                .when().post("/1.0/instances/" + RUN + "/files").then().statusCode(400);
        // a relative path is taken from the container's root, as LXD does (lxc 5.0 sends "etc/hostname")
        get(RUN, "relative/path").then().statusCode(404);
        get(RUN, "etc/hostname").then().statusCode(200);
        get(RUN, "/etc/\0x").then().statusCode(400);
        delete(RUN, "/").then().statusCode(400);
        push(RUN, "/", "x").then().statusCode(400);
        get("fi-missing", "/etc/inittab").then().statusCode(404);
        push("fi-missing", "/x", "x").then().statusCode(404);
        get(RUN, "/no/such/file").then().statusCode(404);
        given().header(ContractFilter.invalidRequest()).header("X-LXD-type", "fifo").contentType("application/octet-stream")
                .queryParam("path", "/tmp/x").body(new byte[] {'x'}).when().post("/1.0/instances/" + RUN + "/files").then().statusCode(400);
        given().header(ContractFilter.invalidRequest()).header("X-LXD-write", "prepend").contentType("application/octet-stream")
                .queryParam("path", "/tmp/x").body(new byte[] {'x'}).when().post("/1.0/instances/" + RUN + "/files").then().statusCode(400);
        push(RUN, "/tmp/x", "x", "X-LXD-uid", "root").then().statusCode(400);
        push(RUN, "/tmp/x", "x", "X-LXD-gid", "-5").then().statusCode(400);
        push(RUN, "/tmp/x", "x", "X-LXD-uid", "70000").then().statusCode(400);
        push(RUN, "/tmp/x", "x", "X-LXD-mode", "999").then().statusCode(400);
        push(RUN, "/tmp/x", "x", "X-LXD-mode", "rwx").then().statusCode(400);
        push(RUN, "/tmp/missing", "x", "X-LXD-write", "append").then().statusCode(404);
        push(RUN, "/etc", "x").then().statusCode(400);
        push(RUN, "/etc/inittab", "", "X-LXD-type", "directory").then().statusCode(409);
        push(RUN, "/tmp/l", "", "X-LXD-type", "symlink").then().statusCode(400);
        get(RUN, "/tmp/x").then().statusCode(404); // nothing was written by the refused requests
    }
}
