package io.jlxd.daemon.instance;

import io.jlxd.storage.image.ImageUnpacker;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Instance volumes as plain directories: {@code <datadir>/storage-pools/default/containers/<name>}, snapshots as full
 * copies in {@code containers-snapshots/<name>/<snap>} (LXD's dir layout).
 */
public final class DirRootfsStorage implements RootfsStorage {
    /** Prefix of temporary entries (a leading '.' is never a valid instance or snapshot name). */
    static final String TMP = ".jlxd-tmp-";
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private final Path containers;
    private final Path snapshots;

    public DirRootfsStorage(Path dataDir) throws IOException {
        Path pools = dataDir.resolve("storage-pools");
        this.containers = pools.resolve("default").resolve("containers");
        for (Path p : new Path[] {pools, pools.resolve("default"), containers}) {
            Files.createDirectories(p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x--x"));
        }
        ImageUnpacker.removeStale(containers);
        this.snapshots = pools.resolve("default").resolve("containers-snapshots");
        Files.createDirectories(snapshots);
        Files.setPosixFilePermissions(snapshots, PosixFilePermissions.fromString("rwx------"));
        int stale = removeTemporaries(containers);
        try (var dirs = Files.newDirectoryStream(snapshots)) {
            for (Path d : dirs) {
                stale += removeTemporaries(d);
            }
        }
        if (stale > 0) {
            java.util.logging.Logger.getLogger(DirRootfsStorage.class.getName()).info("removed " + stale + " interrupted copies");
        }
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
        for (Path v : new Path[] {snapshots.resolve(volume(name).getFileName()), volume(name)}) {
            if (Files.exists(v, LinkOption.NOFOLLOW_LINKS)) {
                Path tmp = v.resolveSibling(TMP + "del-" + name + "-" + Long.toHexString(RANDOM.nextLong()));
                Files.move(v, tmp, StandardCopyOption.ATOMIC_MOVE);
                removeTree(tmp);
            }
        }
    }

    /** Deletes a tree without following symlinks (they are removed, not their targets). */
    public static void removeTree(Path dir) throws IOException {
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
        Path snapsFrom = snapshots.resolve(volume(from).getFileName());
        Path snapsTo = snapshots.resolve(volume(to).getFileName());
        if (Files.exists(snapsTo, LinkOption.NOFOLLOW_LINKS) || Files.exists(volume(to), LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(volume(to).toString());
        }
        boolean snaps = Files.exists(snapsFrom, LinkOption.NOFOLLOW_LINKS);
        if (snaps) {
            Files.move(snapsFrom, snapsTo, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(volume(from), volume(to), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            if (snaps) {
                Files.move(snapsTo, snapsFrom, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ snapshots and copies
    // Every multi-step change works on a temporary name (TMP prefix, never a valid instance or snapshot name) and
    // ends with one rename; the constructor removes temporaries left by a crash.

    @Override
    public Path snapshotVolume(String name, String snap) {
        volume(name);
        if (snap.isEmpty() || snap.contains("/") || snap.startsWith(".")) {
            throw new IllegalArgumentException("invalid snapshot name: " + snap);
        }
        return snapshots.resolve(name).resolve(snap);
    }

    @Override
    public void createSnapshot(String name, String snap) throws IOException {
        Path target = snapshotVolume(name, snap);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Path dir = Files.createDirectories(target.getParent());
        Path tmp = dir.resolve(TMP + "snap-" + snap + "-" + Long.toHexString(RANDOM.nextLong()));
        try {
            copyTree(volume(name), tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            removeQuietly(tmp);
            throw e;
        }
    }

    @Override
    public void deleteSnapshot(String name, String snap) throws IOException {
        Path v = snapshotVolume(name, snap);
        if (!Files.exists(v, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path tmp = v.resolveSibling(TMP + "del-" + snap + "-" + Long.toHexString(RANDOM.nextLong()));
        Files.move(v, tmp, StandardCopyOption.ATOMIC_MOVE);
        removeTree(tmp);
    }

    @Override
    public void renameSnapshot(String name, String from, String to) throws IOException {
        Path target = snapshotVolume(name, to);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Files.move(snapshotVolume(name, from), target, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void restoreSnapshot(String name, String snap) throws IOException {
        Path source = snapshotVolume(name, snap);
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(source.toString());
        }
        Path tmp = containers.resolve(TMP + "restore-" + name + "-" + Long.toHexString(RANDOM.nextLong()));
        try {
            copyTree(source, tmp);
            AtomicSwap.exchange(tmp, volume(name)); // tmp now holds the old content
        } finally {
            removeQuietly(tmp);
        }
    }

    @Override
    public void copy(String from, String fromSnap, String to) throws IOException {
        Path source = fromSnap == null ? volume(from) : snapshotVolume(from, fromSnap);
        Path target = volume(to);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Path tmp = containers.resolve(TMP + "copy-" + to + "-" + Long.toHexString(RANDOM.nextLong()));
        try {
            copyTree(source, tmp);
            Path state = tmp.resolve("state");
            if (Files.exists(state, LinkOption.NOFOLLOW_LINKS)) {
                removeTree(state); // a checkpoint belongs to its snapshot, not to copies
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            removeQuietly(tmp);
            throw e;
        }
    }

    @Override
    public void copySnapshot(String from, String snap, String to) throws IOException {
        Path target = snapshotVolume(to, snap);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Path tmp = Files.createDirectories(target.getParent()).resolve(TMP + "snap-" + snap + "-" + Long.toHexString(RANDOM.nextLong()));
        try {
            copyTree(snapshotVolume(from, snap), tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            removeQuietly(tmp);
            throw e;
        }
    }

    @Override
    public long usage(String name) {
        return -1;
    }

    /** {@code cp -a} (owners, modes, times, links, xattrs incl. file capabilities, ACLs; sparse and reflinks kept). */
    static void copyTree(Path from, Path to) throws IOException {
        Process p = new ProcessBuilder("cp", "-a", "--reflink=auto", "--no-target-directory", from.toString(), to.toString())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("copying " + from + " failed: " + (out.length() > 500 ? out.substring(0, 500) : out));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("copy of " + from + " interrupted");
        }
    }

    private static void removeQuietly(Path p) {
        try {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                removeTree(p);
            }
        } catch (IOException e) {
            java.util.logging.Logger.getLogger(DirRootfsStorage.class.getName()).warning("removing " + p + ": " + e.getMessage());
        }
    }

    /** Removes the temporaries a crash left in {@code dir}; returns how many. */
    private static int removeTemporaries(Path dir) throws IOException {
        int n = 0;
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        try (var list = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(TMP))) {
            for (Path p : list) {
                removeTree(p);
                n++;
            }
        }
        return n;
    }
}
