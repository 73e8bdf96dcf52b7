package io.jlxd.storage.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Both drivers against the real thing: plain directories, and a btrfs file system on a loop file this test makes. */
class PoolDriverTest {
    static Path tmp;
    static DirDriver dir;
    static BtrfsDriver btrfs;

    @BeforeAll
    static void setUp() throws IOException {
        tmp = Files.createTempDirectory("sp-pool");
        dir = new DirDriver(tmp.resolve("storage-pools/d"));
        dir.create();
        dir.mount();
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && Files.exists(Path.of("/usr/sbin/mkfs.btrfs"))) {
            btrfs = new BtrfsDriver(tmp.resolve("storage-pools/b"), null, tmp.resolve("disks/b.img"), 512L << 20);
            btrfs.create();
        }
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (btrfs != null) {
            btrfs.delete();
        }
        Cmd.run("rm", "-rf", "--one-file-system", tmp.toString());
    }

    static List<PoolDriver> drivers() {
        return btrfs == null ? List.of(dir) : List.of(dir, btrfs);
    }

    private static void content(PoolDriver d, VolumeType t, String vol, String text) throws IOException {
        Path f = d.volumePath(t, vol).resolve("rootfs/file");
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        Files.setAttribute(f, "unix:uid", 1000123, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(f, "unix:mode", 04750, LinkOption.NOFOLLOW_LINKS);
    }

    private static String read(Path volume) throws IOException {
        return Files.readString(volume.resolve("rootfs/file"));
    }

    @Test
    void volumesSnapshotsRestoreCopyRename() throws IOException {
        for (PoolDriver d : drivers()) {
            VolumeType t = VolumeType.CONTAINER;
            d.createVolume(t, "sp-v1");
            content(d, t, "sp-v1", "one");
            d.createSnapshot(t, "sp-v1", "snap0");
            Files.writeString(d.volumePath(t, "sp-v1").resolve("rootfs/file"), "two");
            assertEquals("one", read(d.snapshotPath(t, "sp-v1", "snap0")), d.name());
            if (d == btrfs) {
                assertThrows(IOException.class, () -> Files.writeString(d.snapshotPath(t, "sp-v1", "snap0").resolve("x"), "x"),
                        "btrfs snapshots are read-only");
            }
            d.restoreSnapshot(t, "sp-v1", "snap0");
            assertEquals("one", read(d.volumePath(t, "sp-v1")), d.name());
            Path f = d.volumePath(t, "sp-v1").resolve("rootfs/file");
            assertEquals(1000123, Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS), d.name() + " owner kept");
            assertEquals(04750, ((Integer) Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777, d.name() + " mode kept");

            d.copyVolume(t, "sp-v1", "snap0", t, "sp-v2");
            Files.writeString(d.volumePath(t, "sp-v2").resolve("rootfs/file"), "copy");
            assertEquals("one", read(d.volumePath(t, "sp-v1")));
            d.renameSnapshot(t, "sp-v1", "snap0", "snap1");
            d.renameVolume(t, "sp-v1", "sp-v3");
            assertEquals("one", read(d.snapshotPath(t, "sp-v3", "snap1")));
            assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> d.createVolume(t, "sp-v3"));
            d.deleteSnapshot(t, "sp-v3", "snap1");
            assertFalse(Files.exists(d.snapshotPath(t, "sp-v3", "snap1")));
            d.deleteVolume(t, "sp-v3");
            d.deleteVolume(t, "sp-v2");
            assertFalse(Files.exists(d.volumePath(t, "sp-v3")));
            try (var s = Files.list(d.root().resolve("containers"))) {
                assertEquals(0, s.count(), d.name() + ": nothing left");
            }
        }
    }

    @Test
    void leftoversAreCleanedAndInterruptedRestoreRolledBack() throws IOException {
        for (PoolDriver d : drivers()) {
            VolumeType t = VolumeType.CUSTOM;
            d.createVolume(t, "sp-a");
            content(d, t, "sp-a", "a");
            // a crash after moving the volume aside, before the restored copy took its place
            Path v = d.volumePath(t, "sp-a");
            Files.move(v, v.resolveSibling(".sp-a" + AbstractPoolDriver.OLD + "123"));
            d.createVolume(t, "sp-b");
            Path b = d.volumePath(t, "sp-b");
            Files.move(b, b.resolveSibling(".sp-b" + AbstractPoolDriver.TMP + "456"));
            d.mount();
            assertEquals("a", read(v), d.name());
            try (var s = Files.list(d.root().resolve("custom"))) {
                assertEquals(List.of("sp-a"), s.map(p -> p.getFileName().toString()).toList());
            }
            d.deleteVolume(t, "sp-a");
        }
    }

    @Test
    void createFromFillerIsAtomic() throws IOException {
        for (PoolDriver d : drivers()) {
            assertThrows(IOException.class, () -> d.createVolumeFrom(VolumeType.IMAGE, "sp-img", target -> {
                Files.createDirectory(target);
                throw new IOException("boom");
            }));
            assertFalse(Files.exists(d.volumePath(VolumeType.IMAGE, "sp-img")));
            d.createVolumeFrom(VolumeType.IMAGE, "sp-img", target -> {
                Files.createDirectories(target.resolve("rootfs"));
                Files.writeString(target.resolve("metadata.yaml"), "x");
            });
            assertTrue(Files.isRegularFile(d.volumePath(VolumeType.IMAGE, "sp-img").resolve("metadata.yaml")));
            d.copyVolume(VolumeType.IMAGE, "sp-img", null, VolumeType.CONTAINER, "sp-fromimg");
            assertTrue(Files.isDirectory(d.volumePath(VolumeType.CONTAINER, "sp-fromimg").resolve("rootfs")));
            d.deleteVolume(VolumeType.CONTAINER, "sp-fromimg");
            d.deleteVolume(VolumeType.IMAGE, "sp-img");
            try (var s = Files.list(d.root().resolve("images"))) {
                assertEquals(0, s.count(), d.name());
            }
        }
    }

    @Test
    void sendReceive() throws IOException {
        for (PoolDriver d : drivers()) {
            d.createVolume(VolumeType.CUSTOM, "sp-s");
            content(d, VolumeType.CUSTOM, "sp-s", "sent");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            d.send(VolumeType.CUSTOM, "sp-s", null, out);
            d.receive(VolumeType.CUSTOM, "sp-r", new ByteArrayInputStream(out.toByteArray()));
            assertEquals("sent", read(d.volumePath(VolumeType.CUSTOM, "sp-r")), d.name());
            d.deleteVolume(VolumeType.CUSTOM, "sp-r");
            d.deleteVolume(VolumeType.CUSTOM, "sp-s");
        }
    }

    @Test
    void quotas() throws Exception {
        assertThrows(UnsupportedOperationException.class, () -> dir.setQuota(VolumeType.CUSTOM, "x", 1 << 20));
        assumeTrue(btrfs != null);
        btrfs.createVolume(VolumeType.CUSTOM, "sp-q");
        btrfs.setQuota(VolumeType.CUSTOM, "sp-q", 8L << 20);
        Path big = btrfs.volumePath(VolumeType.CUSTOM, "sp-q").resolve("big");
        IOException e = assertThrows(IOException.class, () -> Cmd.run("dd", "if=/dev/zero", "of=" + big, "bs=1M", "count=32",
                "conv=fsync"));
        assertTrue(e.getMessage().contains("quota"), e.getMessage());
        Cmd.run("sync");
        long used = btrfs.usage(VolumeType.CUSTOM, "sp-q");
        assertTrue(used > 1 << 20 && used <= 9L << 20, "usage " + used);
        // the kernel counter read without a process is the one btrfs-progs prints
        String shown = Cmd.run("btrfs", "qgroup", "show", "-f", "--raw", btrfs.volumePath(VolumeType.CUSTOM, "sp-q").toString());
        long progs = shown.lines().map(l -> l.trim().split("\\s+")).filter(f -> f.length >= 3 && f[0].startsWith("0/"))
                .mapToLong(f -> Long.parseLong(f[1])).findFirst().orElse(-2);
        assertEquals(progs, btrfs.usage(VolumeType.CUSTOM, "sp-q"), shown);
        assertEquals(-1, btrfs.usage(VolumeType.CUSTOM, "sp-none"));
        btrfs.deleteVolume(VolumeType.CUSTOM, "sp-q");
    }

    @Test
    void btrfsRemountAfterUnmount() throws IOException {
        assumeTrue(btrfs != null);
        btrfs.createVolume(VolumeType.CUSTOM, "sp-m");
        btrfs.unmount();
        assertFalse(btrfs.mounted());
        BtrfsDriver again = new BtrfsDriver(btrfs.root(), null, tmp.resolve("disks/b.img"), 0);
        again.mount();
        assertTrue(again.mounted());
        assertTrue(Files.isDirectory(again.volumePath(VolumeType.CUSTOM, "sp-m")));
        again.deleteVolume(VolumeType.CUSTOM, "sp-m");
    }
}
