package io.jlxd.daemon.security;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Logger;

/**
 * Who on the host may reach what in the data directory. Other host users may only traverse the data directory
 * itself (to the Unix socket, whose own mode and group decide); everything else is root's, except the path an
 * unprivileged container's mapped root must walk to its rootfs and to its custom volumes:
 *
 * <pre>
 * DIR                                   0711 root:root  (the socket's directory)
 * DIR/{database,logs,disks,images}      0700 root:root, files 0600
 * DIR/containers (liblxc's lxcpath)     0710 root:MAPPED (liblxc checks that the container's root can traverse
 *                                       it), below it 0700 root:root and files 0600
 * DIR/{server.crt,server.key,jlxd.lock} 0600
 * DIR/storage-pools, POOL, POOL/containers, POOL/custom
 *                                       0710 root:MAPPED  (MAPPED: the gid of the containers' root, 1000000)
 * POOL/containers/NAME                  0110 ROOTFS-OWNER:root  (the mapped root, or root for a privileged one)
 * POOL/{images,containers-snapshots,custom-snapshots}
 *                                       0700 root:root
 * </pre>
 *
 * An instance directory is thus reachable by root and by its own mapped root only (as LXD's 0100 instance
 * directories since CVE-2016-1582); the group bit covers a CRIU restore task that still has host ids 0 but no
 * capabilities. Setuid binaries, device nodes and file capabilities of a rootfs, and every file of a custom volume,
 * stay out of reach of other host users. {@link #dataDir} and {@link #pool} are run at every start (a handful of
 * chmods: cheap and idempotent), which also fixes data directories of older versions.
 */
public final class HostPermissions {
    private static final Logger LOG = Logger.getLogger(HostPermissions.class.getName());

    /** The host gid of unprivileged containers' root (the default id map's base). */
    public static final int MAPPED_ROOT_GID = 1_000_000;

    static final String PRIVATE_DIR = "rwx------";
    static final String PRIVATE_FILE = "rw-------";
    static final String TRAVERSE_BY_MAPPED = "rwx--x---";
    static final String INSTANCE_VOLUME = "--x--x---";
    static final String DATA_DIR = "rwx--x--x";

    private static final String[] PRIVATE_TREES = {"database", "logs", "disks", "images"};
    private static final String[] ROOT_FILES = {"server.crt", "server.key", "jlxd.lock"};
    private static final String[] TRAVERSED_POOL_DIRS = {"containers", "custom"};
    private static final String[] PRIVATE_POOL_DIRS = {"images", "containers-snapshots", "custom-snapshots"};
    private static final int TREE_DEPTH = 4;

    private HostPermissions() {
    }

    /** The data directory's own files and private trees (called once the directory is locked). */
    public static void dataDir(Path root) throws IOException {
        chmod(root, DATA_DIR);
        for (String f : ROOT_FILES) {
            Path p = root.resolve(f);
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                chmod(p, PRIVATE_FILE);
            }
        }
        for (String d : PRIVATE_TREES) {
            privateTree(root.resolve(d), TREE_DEPTH);
        }
        Path lxcPath = root.resolve("containers");
        if (Files.isDirectory(lxcPath, LinkOption.NOFOLLOW_LINKS)) {
            traversedByMappedRoot(lxcPath);
            try (DirectoryStream<Path> s = Files.newDirectoryStream(lxcPath)) {
                for (Path p : s) {
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        privateTree(p, TREE_DEPTH - 1);
                    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        chmod(p, PRIVATE_FILE);
                    }
                }
            }
        }
        Path pools = root.resolve("storage-pools");
        if (Files.isDirectory(pools, LinkOption.NOFOLLOW_LINKS)) {
            traversedByMappedRoot(pools);
        }
    }

    /** Directories 0700 and files 0600 down to {@code depth} levels (symlinks untouched, never followed). */
    static void privateTree(Path dir, int depth) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        chmod(dir, PRIVATE_DIR);
        if (depth == 0) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    privateTree(p, depth - 1);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    chmod(p, PRIVATE_FILE);
                }
            }
        } catch (NoSuchFileException e) {
            // removed meanwhile
        }
    }

    /**
     * A mounted pool: its layout directories and every instance volume in it (see the class comment). The
     * storage-pools directory above it is set too, for pools created at run time.
     */
    public static void pool(Path poolRoot) throws IOException {
        Path parent = poolRoot.getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("storage-pools")) {
            traversedByMappedRoot(parent);
        }
        traversedByMappedRoot(poolRoot);
        for (String d : TRAVERSED_POOL_DIRS) {
            Path p = poolRoot.resolve(d);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                traversedByMappedRoot(p);
            }
        }
        for (String d : PRIVATE_POOL_DIRS) {
            Path p = poolRoot.resolve(d);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                chmod(p, PRIVATE_DIR);
            }
        }
        Path containers = poolRoot.resolve("containers");
        if (Files.isDirectory(containers, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(containers)) {
                for (Path v : s) {
                    if (Files.isDirectory(v, LinkOption.NOFOLLOW_LINKS)) {
                        instanceVolume(v);
                    }
                }
            }
        }
    }

    /**
     * An instance volume: owned by its rootfs's owner (the container's mapped root; root for a privileged one),
     * group root, mode 0110. Called whenever a volume is made (create, copy, restore) and whenever the LXC config
     * is written, so that a change of {@code security.privileged} is followed.
     */
    public static void instanceVolume(Path volume) throws IOException {
        int uid = 0;
        Path rootfs = volume.resolve("rootfs");
        if (Files.isDirectory(rootfs, LinkOption.NOFOLLOW_LINKS)) {
            uid = ((Number) Files.getAttribute(rootfs, "unix:uid", LinkOption.NOFOLLOW_LINKS)).intValue();
        }
        chown(volume, uid, 0);
        chmod(volume, INSTANCE_VOLUME);
    }

    /** root:MAPPED 0710: traversable by root and by unprivileged containers' root, nobody else. */
    public static void traversedByMappedRoot(Path dir) throws IOException {
        chown(dir, 0, MAPPED_ROOT_GID);
        chmod(dir, TRAVERSE_BY_MAPPED);
    }

    private static void chown(Path p, int uid, int gid) throws IOException {
        if (((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).intValue() != uid) {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        }
        if (((Number) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).intValue() != gid) {
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static void chmod(Path p, String perms) throws IOException {
        var want = PosixFilePermissions.fromString(perms);
        if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(want)) {
            LOG.fine(() -> "permissions of " + p + " set to " + perms);
            Files.setPosixFilePermissions(p, want);
        }
    }
}
