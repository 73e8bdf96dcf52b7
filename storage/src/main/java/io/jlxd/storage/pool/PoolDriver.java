package io.jlxd.storage.pool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The contract between jlxd and one storage pool (after Incus's driver interface). A driver instance serves one pool
 * whose volumes live under {@link #root()} in LXD's layout: {@code containers/}, {@code containers-snapshots/<vol>/},
 * {@code images/}, {@code custom/}, {@code custom-snapshots/<vol>/}.
 *
 * <p>Names given to a driver are validated by the caller ({@link PoolNames}). Every multi-step operation is atomic:
 * work happens under a hidden temporary name ({@code .NAME.jlxd-tmp-...}) that is renamed into place only when complete;
 * a failure removes it, and {@link #mount()} removes the leftovers of a crash. A volume being restored is first moved
 * aside ({@code .NAME.jlxd-old-...}); a crash before the swap completes is rolled back at the next mount.
 */
public interface PoolDriver {
    /** The driver name ({@code dir}, {@code btrfs}). */
    String name();

    /** The pool's mount point / base directory ({@code <datadir>/storage-pools/<pool>}). */
    Path root();

    // --- pool

    /** Creates the pool's storage (loop file, file system, directory layout) and mounts it. Reverted on failure. */
    void create() throws IOException;

    /** Mounts the pool if needed (daemon start) and cleans leftovers of interrupted operations. Idempotent. */
    void mount() throws IOException;

    /** Unmounts the pool if the driver mounted it. Idempotent. */
    void unmount() throws IOException;

    /** Unmounts and removes the pool's storage (the loop file jlxd created; an external source is left alone). */
    void delete() throws IOException;

    /** Space of the pool's file system. */
    Resources resources() throws IOException;

    /** Space used and total, in bytes. */
    record Resources(long used, long total) {
    }

    // --- volumes

    /** The volume's directory; it may not exist. */
    default Path volumePath(VolumeType type, String name) {
        return root().resolve(type.dir()).resolve(name);
    }

    /** A snapshot's directory; it may not exist. */
    default Path snapshotPath(VolumeType type, String volume, String snap) {
        if (type.snapshotDir() == null) {
            throw new IllegalArgumentException(type.apiName() + " volumes have no snapshots");
        }
        return root().resolve(type.snapshotDir()).resolve(volume).resolve(snap);
    }

    /** Creates an empty volume (directory 0711, owned by root). */
    void createVolume(VolumeType type, String name) throws IOException;

    /** Fills a volume given a directory that must not exist yet; {@code filler} creates it. */
    interface Filler {
        void fill(Path target) throws IOException;
    }

    /**
     * Creates a volume whose content {@code filler} writes into a fresh directory (e.g. an image unpacker that wants
     * a target that does not exist). Atomic.
     */
    void createVolumeFrom(VolumeType type, String name, Filler filler) throws IOException;

    /**
     * Creates volume {@code dst} of type {@code dstType} as a writable copy of volume {@code src} (or of its snapshot
     * {@code srcSnap} when not null). Ownership, modes, xattrs and file capabilities are kept. Atomic.
     */
    void copyVolume(VolumeType type, String src, String srcSnap, VolumeType dstType, String dst) throws IOException;

    /** Deletes a volume and its snapshots (no error when absent). */
    void deleteVolume(VolumeType type, String name) throws IOException;

    /** Renames a volume and its snapshots. */
    void renameVolume(VolumeType type, String from, String to) throws IOException;

    /** Sets ({@code bytes > 0}) or removes ({@code bytes <= 0}) the volume's size quota. */
    void setQuota(VolumeType type, String name, long bytes) throws IOException;

    /** Whether {@link #setQuota} can enforce a limit. */
    boolean supportsQuotas();

    /** Bytes used by the volume, or -1 when the driver cannot tell cheaply. */
    long usage(VolumeType type, String name) throws IOException;

    // --- snapshots

    /** Takes a read-only (btrfs) or copied (dir) snapshot of a volume. Atomic. */
    void createSnapshot(VolumeType type, String volume, String snap) throws IOException;

    /** Deletes a snapshot (no error when absent). */
    void deleteSnapshot(VolumeType type, String volume, String snap) throws IOException;

    /**
     * Creates snapshot {@code snap} of volume {@code dstVolume} as a copy of snapshot {@code snap} of {@code srcVolume}
     * (copying a volume with its snapshots; O(1) on btrfs). {@code dstVolume} need not exist yet. Atomic.
     */
    void copySnapshot(VolumeType type, String srcVolume, String snap, String dstVolume) throws IOException;

    void renameSnapshot(VolumeType type, String volume, String from, String to) throws IOException;

    /** Replaces the volume's content by the snapshot's. Atomic: old content or the snapshot's, never a mix. */
    void restoreSnapshot(VolumeType type, String volume, String snap) throws IOException;

    // --- migration streams

    /** Writes the volume (or snapshot when {@code snap} is not null) as a driver-specific stream. */
    void send(VolumeType type, String volume, String snap, OutputStream out) throws IOException;

    /** Creates volume {@code name} from a stream written by {@link #send} of the same driver. Atomic. */
    void receive(VolumeType type, String name, InputStream in) throws IOException;
}
