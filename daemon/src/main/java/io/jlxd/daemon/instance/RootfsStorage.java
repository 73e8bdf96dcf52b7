package io.jlxd.daemon.instance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import io.jlxd.daemon.instance.driver.IdMap;
import io.jlxd.storage.image.ImageUnpacker;
import io.jlxd.storage.image.ProgressListener;

/**
 * Where instance root filesystems live: {@code io.jlxd.daemon.storage.PoolRootfsStorage} puts each instance's volume
 * on the storage pool of its root disk (dir or btrfs driver).
 */
public interface RootfsStorage {
    /** The instance's volume directory (holds metadata.yaml, templates/, rootfs/); it may not exist yet. */
    Path volume(String name);

    /** {@code volume(name)/rootfs}. */
    default Path rootfs(String name) {
        return volume(name).resolve("rootfs");
    }

    /** Creates an empty volume with an empty rootfs, owned by {@code rootUid}:{@code rootUid} (0711 / 0755). */
    void createEmpty(String name, long rootUid) throws IOException;

    /** Removes the volume and everything under it, and its snapshots (no error when absent). */
    void delete(String name) throws IOException;

    /** Renames the volume and its snapshots. */
    void rename(String from, String to) throws IOException;

    // --- snapshots and copies (issue 4). Snapshot names are validated by the caller (no '/', no leading '.').

    /** The read-only view of snapshot {@code snap} of instance {@code name} (holds rootfs/); it may not exist. */
    Path snapshotVolume(String name, String snap);

    /**
     * Snapshots the instance volume as {@code snap}. Atomic: when it fails or the daemon dies half way, no snapshot
     * named {@code snap} exists afterwards (leftovers are cleaned at the next start).
     */
    void createSnapshot(String name, String snap) throws IOException;

    /** Removes a snapshot (no error when absent). */
    void deleteSnapshot(String name, String snap) throws IOException;

    /** Renames a snapshot. */
    void renameSnapshot(String name, String from, String to) throws IOException;

    /**
     * Replaces the instance volume's content by snapshot {@code snap}'s (the instance is stopped). Atomic: the
     * volume holds either the old content or the snapshot's, never a mix, whatever happens half way.
     */
    void restoreSnapshot(String name, String snap) throws IOException;

    /**
     * Creates instance volume {@code to} as a copy of instance {@code from}, or of its snapshot {@code fromSnap} when
     * not null. Ownership, modes, xattrs and file capabilities are kept. Atomic like {@link #createSnapshot}.
     */
    void copy(String from, String fromSnap, String to) throws IOException;

    /**
     * The names of the snapshot volumes of instance {@code name} that exist (used at start to reconcile volumes with
     * the database). The default lists the directory holding {@link #snapshotVolume}s, skipping dot-names.
     */
    default java.util.List<String> snapshotNames(String name) throws IOException {
        Path dir = snapshotVolume(name, "x").getParent();
        if (!java.nio.file.Files.isDirectory(dir)) {
            return java.util.List.of();
        }
        try (var s = java.nio.file.Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    /**
     * Creates snapshot {@code snap} of instance {@code to} as a copy of snapshot {@code snap} of instance {@code from}
     * (copying an instance with its snapshots). Atomic like {@link #createSnapshot}.
     */
    default void copySnapshot(String from, String snap, String to) throws IOException {
        throw new UnsupportedOperationException("this storage cannot copy snapshots");
    }

    /** Bytes used by the instance volume, or -1 when the storage cannot tell cheaply. */
    long usage(String name) throws IOException;

    // --- pools (issue 4): image volumes and custom volume disks. Defaults fit a storage without pools.

    /**
     * Creates the instance volume from an image, complete or absent (default: unpack it into {@link #volume}). Pool
     * storage may clone a per-pool image volume instead (O(1) on btrfs).
     */
    default void createFromImage(String name, ImageProvider images, String fingerprint, ImageUnpacker.IdShift shift,
                                 ProgressListener progress, BooleanSupplier cancelled) throws IOException {
        images.unpack(fingerprint, volume(name), shift, progress, cancelled);
    }

    /**
     * Checks an instance's expanded disk devices against the pools and volumes (pool and volume exist, a volume
     * attached elsewhere is {@code security.shared}, the root pool does not change).
     *
     * @throws io.jlxd.daemon.http.ApiException 400 when they do not fit
     */
    default void checkDisks(String name, Map<String, Map<String, String>> expandedDevices) {
    }

    /**
     * The {@code lxc.mount.entry} lines ({@code key = value}) binding the instance's custom volume disks, after
     * preparing the volumes for its id map (the volume's root owned by the mapped root) and applying the root disk's
     * {@code size} quota when it changed. Called whenever the LXC config is written (create, update, start).
     */
    default List<String> diskMounts(String name, Map<String, Map<String, String>> expandedDevices, IdMap idmap)
            throws IOException {
        return List.of();
    }

    /**
     * After a crash during a rename: moves the volume, its snapshots and its volume row from one name to the other
     * where they are not there yet ({@code forward}: from {@code from} to {@code to}; else back). Idempotent.
     */
    default void settleRename(String from, String to, boolean forward) throws java.io.IOException {
    }
}
