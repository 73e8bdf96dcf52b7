package io.jlxd.daemon.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The openat2 resolver on a real temp tree: {@code root/} is the "container", {@code outside/} holds a canary that
 * no path, symlink or race may reach, for reading or writing.
 */
class FileTreeTest {
    @TempDir
    Path tmp;
    Path root;
    Path outside;
    Path canary;
    FileTree tree;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        canary = Files.writeString(outside.resolve("canary"), "host secret");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hosts"), "container hosts\n");
        Files.writeString(root.resolve("canary"), "container canary");
        // hostile links, as a container's root could make them
        Files.createSymbolicLink(root.resolve("abs"), outside);                    // absolute, to a host dir
        Files.createSymbolicLink(root.resolve("abscanary"), canary);               // absolute, to a host file
        Files.createSymbolicLink(root.resolve("rel"), Path.of("../../outside"));    // relative, climbing out
        Files.createSymbolicLink(root.resolve("etc/up"), Path.of("../../../../"));
        Files.createSymbolicLink(root.resolve("self"), Path.of("/proc/self/root")); // magic link
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("/new-target"));
        tree = FileTree.open(root, 1234, 1235);
    }

    @AfterEach
    void tearDown() {
        tree.close();
    }

    static ContainerPath p(String s) {
        return ContainerPath.parse(s);
    }

    static String read(FileTree.Node n) throws IOException {
        FileTree.FileNode f = assertInstanceOf(FileTree.FileNode.class, n);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.copyTo(out);
        f.close();
        return out.toString(StandardCharsets.UTF_8);
    }

    static ByteArrayInputStream body(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    void assertCanaryUntouched() throws IOException {
        assertEquals("host secret", Files.readString(canary));
        try (var s = Files.list(outside)) {
            assertEquals(List.of(canary), s.toList());
        }
    }

    @Test
    void pathsParse() {
        assertEquals(List.of("a", "..", "b"), p("//a/./../b/").components());
        assertTrue(p("/").isRoot());
        // a relative path is taken from the container's root, as LXD does (lxc 5.0 sends "root/x" for c1/root/x)
        assertEquals(List.of("a", "b"), p("a/b").components());
        for (String bad : new String[] {"", "/a\0b"}) {
            assertThrows(IllegalArgumentException.class, () -> ContainerPath.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> ContainerPath.parse(null));
    }

    @Test
    void readsFilesDirectoriesAndSymlinks() throws IOException {
        assertEquals("container hosts\n", read(tree.get(p("/etc/hosts"))));
        FileTree.DirNode d = assertInstanceOf(FileTree.DirNode.class, tree.get(p("/etc")));
        assertEquals(List.of("hosts", "up"), d.entries());
        FileTree.LinkNode l = assertInstanceOf(FileTree.LinkNode.class, tree.get(p("/abs")));
        assertEquals(outside.toString(), l.target());
        assertTrue(tree.get(p("/")) instanceof FileTree.DirNode);
        SysException missing = assertThrows(SysException.class, () -> tree.get(p("/nope")));
        assertEquals(Sys.ENOENT, missing.errno());
    }

    @Test
    void dotDotStaysInTheRoot() throws IOException {
        assertEquals("container canary", read(tree.get(p("/../../../canary"))));
        assertEquals("container canary", read(tree.get(p("/etc/../../canary"))));
        FileTree.DirNode top = assertInstanceOf(FileTree.DirNode.class, tree.get(p("/etc/../..")));
        assertTrue(top.entries().contains("etc"), top::toString);
        assertFalse(top.entries().contains("root"), top::toString);
    }

    @Test
    void symlinksInTheMiddleResolveInsideTheRoot() throws IOException {
        // /abs -> <tmp>/outside (absolute): inside the root that names root/<tmp>/outside, which does not exist
        assertEquals(Sys.ENOENT, assertThrows(SysException.class, () -> tree.get(p("/abs/canary"))).errno());
        // ../../outside from / is /outside inside the root: missing too
        assertEquals(Sys.ENOENT, assertThrows(SysException.class, () -> tree.get(p("/rel/canary"))).errno());
        // etc/up -> ../../../../ is the root itself
        assertEquals("container canary", read(tree.get(p("/etc/up/canary"))));
        assertEquals("container hosts\n", read(tree.get(p("/etc/up/etc/up/etc/hosts"))));
        // /self -> /proc/self/root: inside the root there is no /proc
        assertEquals(Sys.ENOENT, assertThrows(SysException.class, () -> tree.get(p("/self/etc/hosts"))).errno());
    }

    @Test
    void writesNeverLeaveTheRoot() throws IOException {
        // through a symlink to a host file: resolved in the root (root/<tmp>/outside/canary does not exist)
        assertThrows(SysException.class, () -> tree.write(p("/abs/canary"), body("pwned"), -1, false, -1, -1, -1));
        assertThrows(SysException.class, () -> tree.write(p("/rel/canary"), body("pwned"), -1, false, -1, -1, -1));
        assertThrows(SysException.class, () -> tree.write(p("/abscanary"), body("pwned"), -1, true, -1, -1, -1));
        // overwrite through an absolute symlink to a host file: that path does not exist in the root
        assertEquals(Sys.ENOENT, assertThrows(SysException.class,
                () -> tree.write(p("/abscanary"), body("pwned"), -1, false, -1, -1, -1)).errno());
        assertTrue(Files.isSymbolicLink(root.resolve("abscanary")));
        tree.write(p("/etc/up/../../x"), body("x"), -1, false, -1, -1, -1);
        assertEquals("x", Files.readString(root.resolve("x")));
        assertThrows(SysException.class, () -> tree.mkdir(p("/abs/d"), -1, -1, -1));
        assertThrows(SysException.class, () -> tree.symlink(p("/rel/l"), "/etc", -1, -1));
        Files.createDirectories(root.resolve("outside"));
        tree.symlink(p("/rel/l"), "/etc", -1, -1); // /rel is /outside inside the root
        assertTrue(Files.isSymbolicLink(root.resolve("outside/l")));
        tree.write(p("/dangling"), body("new"), -1, false, -1, -1, -1);
        assertEquals("new", Files.readString(root.resolve("new-target")));
        assertThrows(SysException.class, () -> tree.delete(p("/abs/canary")));
        assertThrows(SysException.class, () -> tree.delete(p("/../../outside/canary")));
        assertThrows(SysException.class, () -> tree.write(p("/self/x"), body("x"), -1, false, -1, -1, -1));
        assertCanaryUntouched();
    }

    @Test
    void aFileAnnouncedLargerThanTheFreeSpaceIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path hosts = root.resolve("etc/hosts");
        String before = Files.readString(hosts);
        long huge = Files.getFileStore(root).getUsableSpace() + (1L << 30);
        assertThrows(FileTree.TooLarge.class, () -> tree.write(p("/etc/hosts"), body("x"), huge, false, -1, -1, -1));
        assertThrows(FileTree.TooLarge.class, () -> tree.write(p("/etc/hosts"), body("x"), huge, true, -1, -1, -1));
        assertThrows(FileTree.TooLarge.class, () -> tree.write(p("/etc/big"), body("x"), huge, false, -1, -1, -1));
        assertEquals(before, Files.readString(hosts));
        assertFalse(Files.exists(root.resolve("etc/big")));
        try (var s = Files.list(root.resolve("etc"))) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith(".jlxd-push-")), "no temporary file");
        }
        tree.write(p("/etc/hosts"), body("fits"), 4, false, -1, -1, -1);
        assertEquals("fits", Files.readString(hosts));
    }

    @Test
    void overwriteIsAtomicAndKeepsOwnerAndMode() throws IOException {
        Path hosts = root.resolve("etc/hosts");
        Files.setAttribute(hosts, "unix:uid", 4321);
        Files.setAttribute(hosts, "unix:mode", 0640);
        tree.write(p("/etc/hosts"), body("new hosts"), -1, false, -1, -1, -1);
        assertEquals("new hosts", Files.readString(hosts));
        assertEquals(4321, Files.getAttribute(hosts, "unix:uid"));
        assertEquals(0640, (int) Files.getAttribute(hosts, "unix:mode") & 07777);
        tree.write(p("/etc/hosts"), body("+more"), -1, true, -1, -1, -1);
        assertEquals("new hosts+more", Files.readString(hosts));
        tree.write(p("/etc/new"), body("n"), -1, false, -1, -1, -1);
        assertEquals(1234, Files.getAttribute(root.resolve("etc/new"), "unix:uid"));
        assertEquals(1235, Files.getAttribute(root.resolve("etc/new"), "unix:gid"));
        assertEquals(0644, (int) Files.getAttribute(root.resolve("etc/new"), "unix:mode") & 07777);
        tree.write(p("/etc/new"), body("m"), -1, false, 7, 8, 0600);
        assertEquals(7, Files.getAttribute(root.resolve("etc/new"), "unix:uid"));
        assertEquals(0600, (int) Files.getAttribute(root.resolve("etc/new"), "unix:mode") & 07777);
        try (var s = Files.list(root.resolve("etc"))) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith(".jlxd")), "no temporary file left");
        }
        // a failing body leaves the old content and no temporary file
        java.io.InputStream broken = new java.io.InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > 10) {
                    throw new IOException("connection lost");
                }
                return 'z';
            }
        };
        assertThrows(IOException.class, () -> tree.write(p("/etc/hosts"), broken, -1, false, -1, -1, -1));
        assertEquals("new hosts+more", Files.readString(hosts));
        try (var s = Files.list(root.resolve("etc"))) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith(".jlxd")), "no temporary file left");
        }
    }

    @Test
    void mkdirSymlinkDelete() throws IOException {
        tree.mkdir(p("/d"), -1, -1, 0750);
        assertEquals(0750, (int) Files.getAttribute(root.resolve("d"), "unix:mode") & 07777);
        assertEquals(1234, Files.getAttribute(root.resolve("d"), "unix:uid"));
        tree.mkdir(p("/d"), -1, -1, 0700); // exists: nothing happens
        assertEquals(Sys.EEXIST, assertThrows(SysException.class, () -> tree.mkdir(p("/canary"), -1, -1, -1)).errno());
        tree.symlink(p("/d/l"), "../etc/hosts", -1, -1);
        assertEquals(Path.of("../etc/hosts"), Files.readSymbolicLink(root.resolve("d/l")));
        assertEquals(1234, Files.getAttribute(root.resolve("d/l"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
        tree.symlink(p("/d/l"), "../etc/hosts", -1, -1);
        assertEquals(Sys.EEXIST, assertThrows(SysException.class, () -> tree.symlink(p("/d/l"), "/x", -1, -1)).errno());
        assertEquals(Sys.ENOTEMPTY, assertThrows(SysException.class, () -> tree.delete(p("/d"))).errno());
        tree.delete(p("/d/l"));
        tree.delete(p("/d"));
        assertFalse(Files.exists(root.resolve("d")));
        tree.delete(p("/abs")); // removes the link, not its target
        assertTrue(Files.isDirectory(outside));
        assertEquals(Sys.ENOENT, assertThrows(SysException.class, () -> tree.delete(p("/nope"))).errno());
        assertThrows(SysException.class, () -> tree.delete(p("/")));
        assertThrows(SysException.class, () -> tree.delete(p("/etc/..")));
        assertCanaryUntouched();
    }

    @Test
    void racingRenamesNeverEscape() throws Exception {
        // a directory flips between a real dir and a symlink to the host while reads and writes go through it
        Files.createDirectories(root.resolve("flip-real"));
        Files.writeString(root.resolve("flip-real/canary"), "inside");
        AtomicBoolean stop = new AtomicBoolean();
        Thread flipper = Thread.ofPlatform().start(() -> {
            Path flip = root.resolve("flip");
            Path link = root.resolve("flip-link");
            try {
                Files.createSymbolicLink(link, outside);
                while (!stop.get()) {
                    Files.deleteIfExists(flip);
                    Files.createSymbolicLink(flip, outside);
                    Files.deleteIfExists(flip);
                    Files.createSymbolicLink(flip, Path.of("flip-real"));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            for (int i = 0; i < 2000; i++) {
                try {
                    String s = read(tree.get(p("/flip/canary")));
                    assertEquals("inside", s);
                } catch (SysException e) {
                    // missing at that instant: fine
                }
                try {
                    tree.write(p("/flip/canary"), body("inside"), -1, false, -1, -1, -1);
                } catch (SysException e) {
                    // fine
                }
            }
        } finally {
            stop.set(true);
            flipper.join();
        }
        assertCanaryUntouched();
    }

    @Test
    void pseudoFileSystemsAreRefused() throws IOException {
        try (FileTree proc = FileTree.open(Path.of("/proc"), 0, 0)) {
            assertEquals(Sys.EPERM, assertThrows(SysException.class, () -> proc.get(p("/1/environ"))).errno());
            assertInstanceOf(FileTree.DirNode.class, proc.get(p("/1")));
            assertThrows(SysException.class, () -> proc.write(p("/sys/kernel/x"), body("1"), -1, false, -1, -1, -1));
        }
        try (FileTree host = FileTree.open(Path.of("/"), 0, 0)) {
            // magic links (/proc/self/root, /proc/PID/fd/N) are refused
            assertEquals(Sys.ELOOP, assertThrows(SysException.class, () -> host.get(p("/proc/self/root/etc/hostname"))).errno());
            assertEquals(Sys.ELOOP, assertThrows(SysException.class, () -> host.get(p("/proc/self/cwd/x"))).errno());
        }
    }
}
