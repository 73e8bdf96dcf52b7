package io.jlxd.daemon.instance;

import io.jlxd.storage.image.ImageUnpacker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Instance volumes as plain directories: {@code <datadir>/storage-pools/default/containers/<name>} (LXD's layout). */
public final class DirRootfsStorage implements RootfsStorage {
    private final Path containers;

    public DirRootfsStorage(Path dataDir) throws IOException {
        Path pools = dataDir.resolve("storage-pools");
        this.containers = pools.resolve("default").resolve("containers");
        for (Path p : new Path[] {pools, pools.resolve("default"), containers}) {
            Files.createDirectories(p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x--x"));
        }
        ImageUnpacker.removeStale(containers);
    }

    @Override
    public Path volume(String name) {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("invalid volume name: " + name);
        }
        return containers.resolve(name);
    }

    @Override
    public void createEmpty(String name, long rootUid) throws IOException {
        Path v = volume(name);
        Files.createDirectory(v, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        Path r = Files.createDirectory(v.resolve("rootfs"));
        Files.setPosixFilePermissions(r, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (rootUid != 0) {
            Files.setAttribute(r, "unix:uid", (int) rootUid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(r, "unix:gid", (int) rootUid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        Path v = volume(name);
        if (Files.exists(v, LinkOption.NOFOLLOW_LINKS)) {
            removeTree(v);
        }
    }

    /** Deletes a tree without following symlinks (they are removed, not their targets). */
    static void removeTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(d);
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void rename(String from, String to) throws IOException {
        Files.move(volume(from), volume(to), StandardCopyOption.ATOMIC_MOVE);
    }

    // Snapshots and copies: to be written (issue 4).

    @Override
    public Path snapshotVolume(String name, String snap) {
        throw new UnsupportedOperationException("snapshots are not implemented yet");
    }

    @Override
    public void createSnapshot(String name, String snap) throws IOException {
        throw new UnsupportedOperationException("snapshots are not implemented yet");
    }

    @Override
    public void deleteSnapshot(String name, String snap) throws IOException {
        throw new UnsupportedOperationException("snapshots are not implemented yet");
    }

    @Override
    public void renameSnapshot(String name, String from, String to) throws IOException {
        throw new UnsupportedOperationException("snapshots are not implemented yet");
    }

    @Override
    public void restoreSnapshot(String name, String snap) throws IOException {
        throw new UnsupportedOperationException("snapshots are not implemented yet");
    }

    @Override
    public void copy(String from, String fromSnap, String to) throws IOException {
        throw new UnsupportedOperationException("copies are not implemented yet");
    }

    @Override
    public long usage(String name) {
        return -1;
    }
}
