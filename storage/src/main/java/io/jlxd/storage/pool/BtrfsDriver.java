package io.jlxd.storage.pool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * btrfs: volumes are subvolumes, snapshots read-only subvolume snapshots, copies writable snapshots (O(1)), quotas
 * qgroup limits. The pool is either a loop file that jlxd creates ({@code <datadir>/disks/<pool>.img}, formatted with
 * mkfs.btrfs and mounted on {@link #root()}), or an existing directory on a btrfs file system ({@code source=})
 * bind-mounted on {@link #root()}.
 */
public final class BtrfsDriver extends AbstractPoolDriver {
    private static final Logger LOG = Logger.getLogger(BtrfsDriver.class.getName());
    /** mkfs.btrfs refuses smaller devices. */
    public static final long MIN_SIZE = 256L << 20;

    private final Path loopFile;
    private final Path source;
    private final long size;
    private volatile String fsid; // of the mounted pool, for usage(); re-read after a failure

    /**
     * @param source   an existing directory on btrfs, or null for a loop file
     * @param loopFile the loop file (used when {@code source} is null)
     * @param size     the loop file's size in bytes
     */
    public BtrfsDriver(Path root, Path source, Path loopFile, long size) {
        super(root);
        this.source = source;
        this.loopFile = loopFile;
        this.size = size;
    }

    /** LXD's default loop size: 20% of the free space of the file system holding it, at least 5 GiB, at most 30 GiB. */
    public static long defaultSize(Path dir) throws IOException {
        long free = Files.getFileStore(dir).getUsableSpace();
        long gib = 1L << 30;
        return Math.max(5 * gib, Math.min(30 * gib, free / 5 / gib * gib));
    }

    @Override
    public String name() {
        return "btrfs";
    }

    public boolean loopBacked() {
        return source == null;
    }

    @Override
    public void create() throws IOException {
        if (source != null) {
            if (!Files.isDirectory(source)) {
                throw new IllegalArgumentException("source \"" + source + "\" is not a directory");
            }
            if (!isBtrfs(source)) {
                throw new IllegalArgumentException("source \"" + source + "\" is not on a btrfs file system");
            }
            Files.createDirectories(root);
            mountPool();
            try {
                layout();
            } catch (IOException | RuntimeException e) {
                unmount();
                throw e;
            }
            return;
        }
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("size must be at least 256MiB for a btrfs pool");
        }
        if (Files.exists(loopFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.FileAlreadyExistsException(loopFile + " exists already");
        }
        Files.createDirectories(loopFile.getParent());
        Files.createDirectories(root);
        boolean mounted = false;
        try {
            try (RandomAccessFile f = new RandomAccessFile(loopFile.toFile(), "rw")) {
                f.setLength(size);
            }
            Files.setPosixFilePermissions(loopFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Cmd.run("mkfs.btrfs", "-q", "-f", loopFile.toString());
            mountPool();
            mounted = true;
            Cmd.run("btrfs", "quota", "enable", root.toString());
            layout();
        } catch (IOException | RuntimeException e) {
            if (mounted) {
                unmount();
            }
            Files.deleteIfExists(loopFile);
            Files.deleteIfExists(root);
            throw e;
        }
    }

    static boolean isBtrfs(Path p) throws IOException {
        return Cmd.run("stat", "-f", "-c", "%T", p.toString()).strip().equals("btrfs");
    }

    /** Whether {@link #root()} is a mount point (from /proc/self/mountinfo). */
    public boolean mounted() throws IOException {
        String want = root.toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && unescape(f[4]).equals(want)) {
                return true;
            }
        }
        return false;
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    private void mountPool() throws IOException {
        if (mounted()) {
            return;
        }
        Files.createDirectories(root);
        if (source != null) {
            Cmd.run("mount", "--bind", source.toString(), root.toString());
            return;
        }
        if (!Files.isRegularFile(loopFile)) {
            throw new IOException("the pool's loop file " + loopFile + " is missing");
        }
        // a loop device still attached to the file (a previous daemon's) must be reused: the same btrfs must never
        // be mounted through two devices
        String attached = Cmd.run("losetup", "-j", loopFile.toString()).strip();
        if (!attached.isEmpty()) {
            String dev = attached.lines().findFirst().orElseThrow().split(":")[0];
            Cmd.run("mount", "-t", "btrfs", dev, root.toString());
        } else {
            Cmd.run("mount", "-t", "btrfs", "-o", "loop", loopFile.toString(), root.toString());
        }
    }

    @Override
    public void mount() throws IOException {
        mountPool();
        layout();
        cleanLeftovers();
    }

    @Override
    public void unmount() throws IOException {
        if (mounted()) {
            Cmd.run("umount", root.toString());
        }
    }

    @Override
    public void delete() throws IOException {
        if (source != null) {
            for (VolumeType t : VolumeType.values()) {
                deleteEmptyDir(root.resolve(t.dir()));
                if (t.snapshotDir() != null) {
                    deleteEmptyDir(root.resolve(t.snapshotDir()));
                }
            }
        }
        unmount();
        if (source == null) {
            Files.deleteIfExists(loopFile);
        }
        Files.deleteIfExists(root);
    }

    private static void deleteEmptyDir(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warning("left in place: " + p + ": " + e.getMessage());
        }
    }

    @Override
    void makeEmpty(Path path) throws IOException {
        Cmd.run("btrfs", "-q", "subvolume", "create", path.toString());
    }

    @Override
    void clone(Path src, Path dst, boolean readOnly) throws IOException {
        if (isSubvolume(src)) {
            BtrfsIoctl.snapshot(src, dst, readOnly); // no btrfs process: ~10-20 ms less per call
            return;
        }
        // a plain directory (e.g. from an older layout): a subvolume filled with reflinked copies
        makeEmpty(dst);
        try {
            Cmd.run("cp", "-a", "--reflink=auto", "-T", "--", src.toString(), dst.toString());
            if (readOnly) {
                Cmd.run("btrfs", "property", "set", "-ts", dst.toString(), "ro", "true");
            }
        } catch (IOException | RuntimeException e) {
            remove(dst);
            throw e;
        }
    }

    /** The root directory of a subvolume has inode number 256. */
    static boolean isSubvolume(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue() == 256;
    }

    @Override
    void remove(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSubvolume(path)) {
            Cmd.run("rm", "-rf", "--one-file-system", "--", path.toString());
            return;
        }
        try {
            BtrfsIoctl.destroy(path);
        } catch (IOException e) {
            // nested subvolumes (e.g. systemd's /var/lib/machines): delete them first, then retry
            deleteNested(path);
            Cmd.run("btrfs", "-q", "subvolume", "delete", path.toString());
        }
    }

    private void deleteNested(Path dir) throws IOException {
        Cmd.run("btrfs", "property", "set", "-ts", dir.toString(), "ro", "false");
        try (var walk = Files.walk(dir)) {
            List<Path> nested = walk.skip(1).filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).filter(p -> {
                try {
                    return isSubvolume(p);
                } catch (IOException e) {
                    return false;
                }
            }).toList();
            for (Path n : nested.reversed()) {
                remove(n);
            }
        }
    }

    @Override
    public void setQuota(VolumeType type, String name, long bytes) throws IOException {
        Path v = volumePath(type, name);
        if (bytes > 0) {
            Cmd.run("btrfs", "quota", "enable", root.toString());
            Cmd.run("btrfs", "qgroup", "limit", Long.toString(bytes), v.toString());
        } else if (quotasEnabled()) {
            Cmd.run("btrfs", "qgroup", "limit", "none", v.toString());
        }
    }

    private boolean quotasEnabled() {
        try {
            Cmd.run("btrfs", "qgroup", "show", root.toString());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean supportsQuotas() {
        return true;
    }

    /**
     * Referenced bytes of the volume's qgroup (-1 when quotas are off), read from the kernel's
     * {@code /sys/fs/btrfs/<fsid>/qgroups/0_<subvolume id>/referenced} (Linux 5.9+; the same counter
     * {@code btrfs qgroup show} prints, as of the last commit) with two ioctls and no process: a listing of many
     * instances used to run one {@code btrfs qgroup show} per instance.
     */
    @Override
    public long usage(VolumeType type, String name) {
        Path v = volumePath(type, name);
        try {
            String fs = fsid;
            if (fs == null) {
                fsid = fs = BtrfsIoctl.fsid(root); // fixed for the life of the file system
            }
            Path counter = Path.of("/sys/fs/btrfs", fs, "qgroups", "0_" + BtrfsIoctl.subvolumeId(v), "referenced");
            return Long.parseLong(Files.readString(counter).strip());
        } catch (IOException | NumberFormatException e) {
            fsid = null; // the pool may have been mounted anew since
            return -1; // no such volume, quotas off (no qgroups directory), not btrfs
        }
    }

    @Override
    public void send(VolumeType type, String volume, String snap, OutputStream out) throws IOException {
        if (snap != null) {
            Streams.pipeOut(List.of("btrfs", "-q", "send", snapshotPath(type, volume, snap).toString()), out);
            return;
        }
        Path v = volumePath(type, volume);
        Path ro = temp(v);
        clone(v, ro, true);
        try {
            Streams.pipeOut(List.of("btrfs", "-q", "send", ro.toString()), out);
        } finally {
            remove(ro);
        }
    }

    @Override
    public void receive(VolumeType type, String name, InputStream in) throws IOException {
        Path v = volumePath(type, name);
        if (Files.exists(v, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.FileAlreadyExistsException(v.toString());
        }
        Path staging = temp(v);
        Files.createDirectory(staging);
        try {
            Streams.pipeIn(List.of("btrfs", "-q", "receive", staging.toString()), in);
            Path received;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(staging)) {
                var it = ds.iterator();
                if (!it.hasNext()) {
                    throw new IOException("btrfs receive created no subvolume");
                }
                received = it.next();
            }
            Path writable = temp(v);
            clone(received, writable, false);
            try {
                move(writable, v);
            } catch (IOException e) {
                remove(writable);
                throw e;
            }
        } finally {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(staging)) {
                for (Path p : ds) {
                    remove(p);
                }
            }
            Files.deleteIfExists(staging);
        }
    }
}
