package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code jlxc file push|pull|delete} against a real running busybox container. */
@Timeout(180)
class FilesCliTest extends DaemonTestBase {
    static final String C = "fi-cli";

    @TempDir
    Path local;

    @BeforeAll
    static void container() {
        Instances.openTempRoot(daemon);
        String fp = Instances.importImage(Instances.busyboxImage());
        Instances.ok(Instances.create(Map.of("name", C, "source", Map.of("type", "image", "fingerprint", fp))));
        Instances.ok(Instances.action(C, Map.of("action", "start")));
    }

    @AfterAll
    static void cleanUp() {
        Instances.cleanup(daemon);
    }

    static Jlxc.Result ok(String... args) {
        Jlxc.Result r = Jlxc.run(daemon.dataDir(), args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    static String inside(String script) {
        return ok("exec", C, "--", "sh", "-c", script).stdout();
    }

    @Test
    void pushAndPullOneFileWithOwnerAndMode() throws IOException {
        Path f = Files.writeString(local.resolve("hello.txt"), "hello\n");
        ok("file", "push", "--uid", "1000", "--gid", "1000", "--mode", "0600", f.toString(), C + "/root/hello.txt");
        assertEquals("1000 1000 600 hello", inside("echo $(stat -c '%u %g %a' /root/hello.txt) $(cat /root/hello.txt)").trim());
        assertEquals("hello\n", ok("file", "pull", C + "/root/hello.txt", "-").stdout());
        ok("file", "pull", C + "/root/hello.txt", local.resolve("back.txt").toString());
        assertEquals("hello\n", Files.readString(local.resolve("back.txt")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(local.resolve("back.txt"))));
        // into a directory (trailing slash), and -p creating the parents
        ok("file", "push", f.toString(), C + "/tmp/");
        ok("file", "push", "-p", f.toString(), C + "/opt/a/b/c.txt");
        assertEquals("hello hello", inside("echo $(cat /tmp/hello.txt) $(cat /opt/a/b/c.txt)").trim());
        ok("file", "delete", C + "/opt/a/b/c.txt", C + "/tmp/hello.txt");
        assertEquals("gone", inside("test -e /opt/a/b/c.txt || test -e /tmp/hello.txt || echo gone").trim());
    }

    @Test
    void recursivePushAndPull() throws IOException {
        Path tree = Files.createDirectories(local.resolve("tree/sub/deeper"));
        Files.writeString(local.resolve("tree/a.txt"), "a");
        Files.writeString(local.resolve("tree/sub/deeper/b.bin"), "b".repeat(100_000));
        Files.createSymbolicLink(local.resolve("tree/link"), Path.of("sub/deeper/b.bin"));
        Files.setPosixFilePermissions(local.resolve("tree/a.txt"), PosixFilePermissions.fromString("rwxr-x---"));
        ok("file", "push", "-r", "-p", local.resolve("tree").toString(), C + "/srv/");
        assertEquals("a 100000 sub/deeper/b.bin 750", inside(
                "echo $(cat /srv/tree/a.txt) $(wc -c < /srv/tree/sub/deeper/b.bin) $(readlink /srv/tree/link) $(stat -c %a /srv/tree/a.txt)").trim());
        Path back = Files.createDirectories(local.resolve("back"));
        ok("file", "pull", "-r", C + "/srv/tree", back.toString());
        assertEquals("a", Files.readString(back.resolve("tree/a.txt")));
        assertEquals("b".repeat(100_000), Files.readString(back.resolve("tree/sub/deeper/b.bin")));
        assertTrue(Files.isSymbolicLink(back.resolve("tree/link")));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(back.resolve("tree/a.txt"))));
        // a directory needs -r
        Jlxc.Result noR = Jlxc.run(daemon.dataDir(), "file", "pull", C + "/srv/tree", local.resolve("x").toString());
        assertEquals(1, noR.exitCode(), noR::toString);
        assertTrue(noR.stderr().contains("-r"), noR::toString);
        assertFalse(Files.exists(local.resolve("x"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void errors() {
        Jlxc.Result missing = Jlxc.run(daemon.dataDir(), "file", "pull", C + "/no/such", "-");
        assertEquals(1, missing.exitCode(), missing::toString);
        assertTrue(missing.stderr().startsWith("Error: "), missing::toString);
        Jlxc.Result notEmpty = Jlxc.run(daemon.dataDir(), "file", "delete", C + "/etc");
        assertEquals(1, notEmpty.exitCode(), notEmpty::toString);
        Jlxc.Result badTarget = Jlxc.run(daemon.dataDir(), "file", "delete", "no-slash");
        assertEquals(1, badTarget.exitCode(), badTarget::toString);
        Jlxc.Result badMode = Jlxc.run(daemon.dataDir(), "file", "push", "--mode", "rwx", "/etc/hostname", C + "/tmp/x");
        assertEquals(1, badMode.exitCode(), badMode::toString);
    }
}
