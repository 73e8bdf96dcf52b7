package io.jlxd.storage.pool;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.logging.Logger;

/**
 * Volume and snapshot operations written once in terms of four primitives that the dir and btrfs drivers provide:
 * make an empty volume, clone (writable or read-only), remove, and rename (plain {@code rename(2)} for both).
 */
abstract class AbstractPoolDriver implements PoolDriver {
    private static final Logger LOG = Logger.getLogger(AbstractPoolDriver.class.getName());
    static final String TMP = ".jlxd-tmp-";
    static final String OLD = ".jlxd-old-";
    private static final SecureRandom RANDOM = new SecureRandom();

    protected final Path root;

    AbstractPoolDriver(Path root) {
        this.root = root.toAbsolutePath();
    }

    @Override
    public Path root() {
        return root;
    }

    /** Creates an empty volume directory (or subvolume) at {@code path}, which must not exist. */
    abstract void makeEmpty(Path path) throws IOException;

    /** Clones {@code src} to {@code dst} (must not exist), read-only when asked (a snapshot). */
    abstract void clone(Path src, Path dst, boolean readOnly) throws IOException;

    /** Removes a volume or snapshot directory and everything below it. */
    abstract void remove(Path path) throws IOException;

    static String random() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static Path temp(Path target) {
        return target.resolveSibling("." + target.getFileName() + TMP + random());
    }

    static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The layout directories, made when missing: the pool root, {@code containers} and {@code custom} 0711 (the
     * mapped root of unprivileged containers must traverse them), images and snapshot directories 0700 (nothing
     * but the daemon uses them). Existing directories keep their modes: the daemon tightens them further.
     */
    void layout() throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        }
        for (VolumeType t : VolumeType.values()) {
            mkdir(root.resolve(t.dir()), t == VolumeType.IMAGE ? "rwx------" : "rwx--x--x");
            if (t.snapshotDir() != null) {
                mkdir(root.resolve(t.snapshotDir()), "rwx------");
            }
        }
    }

    /** Makes {@code p} with the mode {@code perms} when it is missing; an existing directory is left as it is. */
    static void mkdir(Path p, String perms) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        }
    }

    /** Removes temporaries of interrupted operations; rolls back an interrupted restore. */
    void cleanLeftovers() throws IOException {
        for (VolumeType t : VolumeType.values()) {
            cleanDir(root.resolve(t.dir()));
            if (t.snapshotDir() != null && Files.isDirectory(root.resolve(t.snapshotDir()))) {
                cleanDir(root.resolve(t.snapshotDir()));
                try (DirectoryStream<Path> vols = Files.newDirectoryStream(root.resolve(t.snapshotDir()))) {
                    for (Path v : vols) {
                        if (Files.isDirectory(v, LinkOption.NOFOLLOW_LINKS)) {
                            cleanDir(v);
                        }
                    }
                }
            }
        }
    }

    private void cleanDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith("."))) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                int tmp = n.indexOf(TMP);
                int old = n.indexOf(OLD);
                if (tmp > 0) {
                    LOG.warning("removing leftover of an interrupted storage operation: " + p);
                    remove(p);
                } else if (old > 0) {
                    Path orig = p.resolveSibling(n.substring(1, old));
                    if (Files.exists(orig, LinkOption.NOFOLLOW_LINKS)) {
                        LOG.warning("removing the old content of a restored volume: " + p);
                        remove(p);
                    } else {
                        LOG.warning("rolling back an interrupted restore: " + orig);
                        move(p, orig);
                    }
                }
            }
        }
    }

    private static void requireAbsent(Path p) throws IOException {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.FileAlreadyExistsException(p.toString());
        }
    }

    @Override
    public void createVolume(VolumeType type, String name) throws IOException {
        Path v = volumePath(type, name);
        requireAbsent(v);
        Path tmp = temp(v);
        makeEmpty(tmp);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
            move(tmp, v);
        } catch (IOException | RuntimeException e) {
            remove(tmp);
            throw e;
        }
    }

    @Override
    public void createVolumeFrom(VolumeType type, String name, Filler filler) throws IOException {
        Path v = volumePath(type, name);
        requireAbsent(v);
        Path tmp = temp(v);
        makeEmpty(tmp);
        try {
            Path fill = tmp.resolve(".fill");
            filler.fill(fill);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(fill)) {
                for (Path c : ds) {
                    move(c, tmp.resolve(c.getFileName().toString()));
                }
            }
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(fill, LinkOption.NOFOLLOW_LINKS));
            Files.delete(fill);
            move(tmp, v);
        } catch (IOException | RuntimeException e) {
            remove(tmp);
            throw e;
        }
    }

    @Override
    public void copyVolume(VolumeType type, String src, String srcSnap, VolumeType dstType, String dst) throws IOException {
        Path from = srcSnap == null ? volumePath(type, src) : snapshotPath(type, src, srcSnap);
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.NoSuchFileException(from.toString());
        }
        Path to = volumePath(dstType, dst);
        requireAbsent(to);
        Path tmp = temp(to);
        try {
            clone(from, tmp, false);
            move(tmp, to);
        } catch (IOException | RuntimeException e) {
            if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                remove(tmp);
            }
            throw e;
        }
    }

    @Override
    public void deleteVolume(VolumeType type, String name) throws IOException {
        if (type.snapshotDir() != null) {
            Path snaps = root.resolve(type.snapshotDir()).resolve(name);
            if (Files.isDirectory(snaps, LinkOption.NOFOLLOW_LINKS)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(snaps)) {
                    for (Path s : ds) {
                        remove(s);
                    }
                }
                Files.delete(snaps);
            }
        }
        Path v = volumePath(type, name);
        if (Files.exists(v, LinkOption.NOFOLLOW_LINKS)) {
            // out of sight first, so that a crash half way leaves a leftover, not a half volume
            Path tmp = temp(v);
            move(v, tmp);
            remove(tmp);
        }
    }

    @Override
    public void renameVolume(VolumeType type, String from, String to) throws IOException {
        Path src = volumePath(type, from);
        Path dst = volumePath(type, to);
        requireAbsent(dst);
        move(src, dst);
        if (type.snapshotDir() != null) {
            Path s = root.resolve(type.snapshotDir()).resolve(from);
            if (Files.exists(s, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    move(s, root.resolve(type.snapshotDir()).resolve(to));
                } catch (IOException e) {
                    move(dst, src);
                    throw e;
                }
            }
        }
    }

    @Override
    public void createSnapshot(VolumeType type, String volume, String snap) throws IOException {
        snapshotAs(volumePath(type, volume), snapshotPath(type, volume, snap));
    }

    @Override
    public void copySnapshot(VolumeType type, String srcVolume, String snap, String dstVolume) throws IOException {
        snapshotAs(snapshotPath(type, srcVolume, snap), snapshotPath(type, dstVolume, snap));
    }

    /** A read-only clone of {@code from} as snapshot {@code s}: made under a temporary name, then renamed in. */
    private void snapshotAs(Path from, Path s) throws IOException {
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.NoSuchFileException(from.toString());
        }
        requireAbsent(s);
        mkdir(s.getParent(), "rwx------");
        Path tmp = temp(s);
        try {
            clone(from, tmp, true);
            move(tmp, s);
        } catch (IOException | RuntimeException e) {
            if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                remove(tmp);
            }
            throw e;
        }
    }

    @Override
    public void deleteSnapshot(VolumeType type, String volume, String snap) throws IOException {
        Path s = snapshotPath(type, volume, snap);
        if (Files.exists(s, LinkOption.NOFOLLOW_LINKS)) {
            Path tmp = temp(s);
            move(s, tmp);
            remove(tmp);
        }
        Path parent = s.getParent();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
            if (!ds.iterator().hasNext()) {
                Files.delete(parent);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // no snapshots at all
        }
    }

    @Override
    public void renameSnapshot(VolumeType type, String volume, String from, String to) throws IOException {
        Path dst = snapshotPath(type, volume, to);
        requireAbsent(dst);
        move(snapshotPath(type, volume, from), dst);
    }

    @Override
    public void restoreSnapshot(VolumeType type, String volume, String snap) throws IOException {
        Path s = snapshotPath(type, volume, snap);
        if (!Files.isDirectory(s, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.NoSuchFileException(s.toString());
        }
        Path v = volumePath(type, volume);
        Path tmp = temp(v);
        try {
            clone(s, tmp, false);
        } catch (IOException | RuntimeException e) {
            if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                remove(tmp);
            }
            throw e;
        }
        Path old = v.resolveSibling("." + v.getFileName() + OLD + random());
        move(v, old);
        try {
            move(tmp, v);
        } catch (IOException | RuntimeException e) {
            move(old, v);
            remove(tmp);
            throw e;
        }
        remove(old);
    }

    @Override
    public Resources resources() throws IOException {
        var store = Files.getFileStore(root);
        long total = store.getTotalSpace();
        return new Resources(total - store.getUnallocatedSpace(), total);
    }
}
