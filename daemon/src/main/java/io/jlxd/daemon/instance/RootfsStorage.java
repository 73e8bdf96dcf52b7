package io.jlxd.daemon.instance;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where instance root filesystems live. {@link DirRootfsStorage} is the plain-directory layout of LXD's dir pool;
 * storage pool drivers (dir, btrfs) replace it.
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

    /** Removes the volume and everything under it (no error when absent). */
    void delete(String name) throws IOException;

    /** Renames the volume. */
    void rename(String from, String to) throws IOException;
}
