package io.jlxd.daemon.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots and copies of the dir storage, on the real file system with the real cp. */
class DirRootfsStorageTest {
    @TempDir
    Path data;

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    private DirRootfsStorage withFile(String content) throws Exception {
        DirRootfsStorage s = new DirRootfsStorage(data);
        s.createEmpty("c1", 1000000);
        Path f = s.rootfs("c1").resolve("bin");
        Files.writeString(f, content);
        Files.setAttribute(f, "unix:uid", 1000005, LinkOption.NOFOLLOW_LINKS);
        run("chmod", "4750", f.toString());
        run("setcap", "cap_net_raw+ep", f.toString());
        Files.createSymbolicLink(s.rootfs("c1").resolve("link"), Path.of("/etc/passwd"));
        return s;
    }

    @Test
    void snapshotRestoreKeepsOwnersModesCapsAndIsIndependent() throws Exception {
        DirRootfsStorage s = withFile("v1");
        s.createSnapshot("c1", "snap0");
        Path snapBin = s.snapshotVolume("c1", "snap0").resolve("rootfs/bin");
        assertEquals("v1", Files.readString(snapBin));
        assertEquals(1000005, Files.getAttribute(snapBin, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(1000000, Files.getAttribute(s.snapshotVolume("c1", "snap0").resolve("rootfs"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertTrue(run("getcap", snapBin.toString()).contains("cap_net_raw"));
        assertEquals(Path.of("/etc/passwd"), Files.readSymbolicLink(s.snapshotVolume("c1", "snap0").resolve("rootfs/link")));
        assertThrows(IOException.class, () -> s.createSnapshot("c1", "snap0"));

        Files.writeString(s.rootfs("c1").resolve("bin"), "v2");
        Files.writeString(s.rootfs("c1").resolve("new"), "x");
        s.restoreSnapshot("c1", "snap0");
        assertEquals("v1", Files.readString(s.rootfs("c1").resolve("bin")));
        assertFalse(Files.exists(s.rootfs("c1").resolve("new")));
        assertTrue(run("getcap", s.rootfs("c1").resolve("bin").toString()).contains("cap_net_raw"));
        assertEquals("4750", run("stat", "-c", "%a", s.rootfs("c1").resolve("bin").toString()));
        assertEquals(List.of("snap0"), s.snapshotNames("c1"));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void copyRenameDelete() throws Exception {
        DirRootfsStorage s = withFile("v1");
        s.createSnapshot("c1", "snap0");
        Files.writeString(s.rootfs("c1").resolve("bin"), "v2");
        s.copy("c1", null, "c2");
        s.copy("c1", "snap0", "c3");
        assertEquals("v2", Files.readString(s.rootfs("c2").resolve("bin")));
        assertEquals("v1", Files.readString(s.rootfs("c3").resolve("bin")));
        assertThrows(IOException.class, () -> s.copy("c1", null, "c2"));

        s.renameSnapshot("c1", "snap0", "first");
        assertEquals(List.of("first"), s.snapshotNames("c1"));
        s.rename("c1", "c9");
        assertEquals(List.of("first"), s.snapshotNames("c9"));
        assertEquals(List.of(), s.snapshotNames("c1"));
        assertEquals("v1", Files.readString(s.snapshotVolume("c9", "first").resolve("rootfs/bin")));

        s.deleteSnapshot("c9", "first");
        s.deleteSnapshot("c9", "first");
        assertEquals(List.of(), s.snapshotNames("c9"));
        s.createSnapshot("c9", "again");
        s.delete("c9");
        assertFalse(Files.exists(s.volume("c9")));
        assertFalse(Files.exists(s.snapshotVolume("c9", "again").getParent()));
        assertEquals(List.of(), leftovers());
        assertThrows(IllegalArgumentException.class, () -> s.snapshotVolume("c2", ".x"));
        assertThrows(IllegalArgumentException.class, () -> s.snapshotVolume("c2", "a/b"));
    }

    @Test
    void startRemovesInterruptedCopies() throws Exception {
        DirRootfsStorage s = withFile("v1");
        s.createSnapshot("c1", "snap0");
        Path halfSnap = Files.createDirectories(s.snapshotVolume("c1", "snap0").resolveSibling(DirRootfsStorage.TMP + "snap-x-1/rootfs"));
        Path halfCopy = Files.createDirectories(s.volume("c1").resolveSibling(DirRootfsStorage.TMP + "copy-c2-1/rootfs"));
        new DirRootfsStorage(data);
        assertFalse(Files.exists(halfSnap));
        assertFalse(Files.exists(halfCopy));
        assertEquals(List.of("snap0"), s.snapshotNames("c1"));
        assertTrue(Files.exists(s.rootfs("c1").resolve("bin")));
    }

    private List<String> leftovers() throws IOException {
        try (var w = Files.walk(data.resolve("storage-pools"), 3)) {
            return w.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }
}
