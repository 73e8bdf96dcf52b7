package io.jlxd.daemon.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.daemon.db.Database;
import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.ProfileTable;
import io.jlxd.daemon.db.StoragePoolTable;
import io.jlxd.daemon.db.StorageVolumeTable;
import io.jlxd.storage.pool.VolumeType;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The instances' RootfsStorage on a real btrfs default pool (a loop file, as with --storage-driver btrfs) and a real
 * SQLite database: the contract the snapshot and copy code relies on.
 */
class PoolRootfsStorageTest {

    @Test
    void instanceVolumesSnapshotsCopiesOnBtrfs() throws Exception {
        Path dir = Files.createTempDirectory("sp-rootfs");
        StoragePools pools = null;
        try (Database db = Database.open(dir.resolve("local.db"))) {
            StorageVolumeTable volumes = new StorageVolumeTable(db);
            pools = StoragePools.open(dir, new StoragePoolTable(db), volumes, new StoragePools.Defaults("btrfs", "512MiB"));
            PoolRootfsStorage s = new PoolRootfsStorage(pools, new InstanceDisks(new InstanceTable(db), new ProfileTable(db)));

            s.createEmpty("sp-u1", 1_000_000);
            assertEquals(1_000_000, Files.getAttribute(s.rootfs("sp-u1"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
            assertEquals("default", s.poolOf("sp-u1"));
            assertEquals(List.of("sp-u1"), volumes.list("default", "container").stream().map(StorageVolumeTable.Row::name).toList());
            Path f = s.rootfs("sp-u1").resolve("f");
            Files.writeString(f, "v1");

            s.createSnapshot("sp-u1", "snap0");
            assertEquals("v1", Files.readString(s.snapshotVolume("sp-u1", "snap0").resolve("rootfs/f")));
            Files.writeString(f, "v2");
            s.restoreSnapshot("sp-u1", "snap0");
            assertEquals("v1", Files.readString(f));

            s.copy("sp-u1", "snap0", "sp-u2");
            s.copy("sp-u1", null, "sp-u3");
            assertEquals("v1", Files.readString(s.rootfs("sp-u2").resolve("f")));
            assertEquals(3, volumes.list("default", "container").size());

            s.renameSnapshot("sp-u1", "snap0", "snap1");
            s.rename("sp-u1", "sp-u4");
            assertTrue(Files.isDirectory(s.snapshotVolume("sp-u4", "snap1")));
            assertEquals("default", s.poolOf("sp-u4"));
            new ProcessBuilder("sync").start().waitFor();
            assertTrue(s.usage("sp-u4") > 0, "qgroup usage");

            s.deleteSnapshot("sp-u4", "snap1");
            for (String n : List.of("sp-u2", "sp-u3", "sp-u4")) {
                s.delete(n);
            }
            assertTrue(volumes.list("default", null).isEmpty());
            try (var l = Files.list(pools.get("default").root().resolve(VolumeType.CONTAINER.dir()))) {
                assertFalse(l.findAny().isPresent(), "nothing left");
            }
        } finally {
            if (pools != null) {
                pools.find("default").orElseThrow().delete();
            }
            new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString()).start().waitFor();
        }
    }
}
