package io.jlxd.daemon.files;

import static io.jlxd.daemon.files.Sys.AT_FDCWD;
import static io.jlxd.daemon.files.Sys.AT_REMOVEDIR;
import static io.jlxd.daemon.files.Sys.AT_SYMLINK_NOFOLLOW;
import static io.jlxd.daemon.files.Sys.O_APPEND;
import static io.jlxd.daemon.files.Sys.O_CLOEXEC;
import static io.jlxd.daemon.files.Sys.O_CREAT;
import static io.jlxd.daemon.files.Sys.O_DIRECTORY;
import static io.jlxd.daemon.files.Sys.O_EXCL;
import static io.jlxd.daemon.files.Sys.O_NOCTTY;
import static io.jlxd.daemon.files.Sys.O_NOFOLLOW;
import static io.jlxd.daemon.files.Sys.O_NONBLOCK;
import static io.jlxd.daemon.files.Sys.O_PATH;
import static io.jlxd.daemon.files.Sys.O_RDONLY;
import static io.jlxd.daemon.files.Sys.O_TRUNC;
import static io.jlxd.daemon.files.Sys.O_WRONLY;
import static io.jlxd.daemon.files.Sys.RESOLVE_IN_ROOT;
import static io.jlxd.daemon.files.Sys.RESOLVE_NO_MAGICLINKS;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A directory tree seen as a container's root: every path is resolved by the kernel with {@code openat2(2)},
 * {@code RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS} relative to a root descriptor, so no path, {@code ..} or
 * symlink (absolute or relative, even one changed while we walk) reaches outside it. The last component is then
 * handled with single-name *at calls on the parent's descriptor, never following a symlink there (except where
 * LXD writes through one, again resolved in the root). Files are read and written through descriptors reopened
 * from {@code /proc/self/fd} (the daemon's own procfs), never through a host path.
 *
 * <p>Ids are host ids; the caller maps them. Files on kernel pseudo file systems (proc, sysfs, cgroup...) are
 * refused for reading and writing: the daemon is host root there, unlike the container.
 */
public final class FileTree implements AutoCloseable {
    private static final long RESOLVE = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    private static final int CHUNK = 128 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** proc, sysfs, cgroup, cgroup2, debugfs, tracefs, securityfs, bpf, devpts, configfs, pstore, efivarfs, binfmt_misc, fusectl. */
    private static final Set<Long> PSEUDO = Set.of(0x9fa0L, 0x62656572L, 0x27e0ebL, 0x63677270L, 0x64626720L,
            0x74726163L, 0x73636673L, 0xcafe4a11L, 0x1cd1L, 0x62656570L, 0x6165676cL, 0xde5e81e4L, 0x42494e4dL, 0x65735543L);

    private final int root;
    private final long defaultUid;
    private final long defaultGid;

    /** What a path names. */
    public sealed interface Node extends AutoCloseable {
        FileStat stat();

        @Override
        default void close() {
        }
    }

    /** A regular file, open for reading until closed. */
    public record FileNode(FileStat stat, int fd) implements Node {
        /** Copies the file to {@code out}. */
        public void copyTo(OutputStream out) throws IOException {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(CHUNK);
                byte[] bytes = new byte[CHUNK];
                long n;
                while ((n = Sys.read(fd, buf, CHUNK)) > 0) {
                    MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, bytes, 0, (int) n);
                    out.write(bytes, 0, (int) n);
                }
            }
        }

        @Override
        public void close() {
            Sys.close(fd);
        }
    }

    public record DirNode(FileStat stat, List<String> entries) implements Node {
    }

    public record LinkNode(FileStat stat, String target) implements Node {
    }

    private FileTree(int root, long defaultUid, long defaultGid) {
        this.root = root;
        this.defaultUid = defaultUid;
        this.defaultGid = defaultGid;
    }

    /**
     * Opens {@code dir} (followed on the host: {@code /proc/PID/root} of a running container is meant to be) as the
     * root; new files get {@code defaultUid}:{@code defaultGid} unless told otherwise.
     */
    public static FileTree open(Path dir, long defaultUid, long defaultGid) throws SysException {
        return new FileTree(Sys.openat(AT_FDCWD, dir.toString(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0), defaultUid, defaultGid);
    }

    @Override
    public void close() {
        Sys.close(root);
    }

    /**
     * Runs {@code work} (a write, mkdir or symlink of this tree) and, when the kernel refuses to create a file
     * because the daemon's ids are not mapped in the file system's user namespace (EOVERFLOW: a file system the
     * container mounted itself), once more as the container's root (the default ids). The refusal comes before any
     * data is read, so the work can be run again.
     */
    public void asMapped(FsIdentity.Work work) throws IOException {
        try {
            work.run();
        } catch (SysException e) {
            if (e.errno() != Sys.EOVERFLOW || defaultUid == 0) {
                throw e;
            }
            FsIdentity.run(defaultUid, defaultGid, work);
        }
    }

    private int resolve(String relative, int flags, int mode) throws SysException {
        return Sys.openat2(root, relative, flags | O_CLOEXEC, mode, RESOLVE);
    }

    private int parent(ContainerPath p) throws SysException {
        return resolve(p.parentRelative(), O_PATH | O_DIRECTORY, 0);
    }

    private static FileStat lstatOrNull(int dir, String name) throws SysException {
        try {
            return Sys.stat(dir, name, AT_SYMLINK_NOFOLLOW);
        } catch (SysException e) {
            if (e.errno() == Sys.ENOENT) {
                return null;
            }
            throw e;
        }
    }

    private static int reopen(int pathFd, int flags) throws SysException {
        return Sys.openat(AT_FDCWD, "/proc/self/fd/" + pathFd, flags | O_CLOEXEC | O_NOCTTY, 0);
    }

    private static void checkFs(int fd) throws SysException {
        if (PSEUDO.contains(Sys.fsType(fd))) {
            throw new SysException(Sys.EPERM, "kernel file systems (proc, sysfs, cgroup...) are not served", null);
        }
    }

    private static void mutable(ContainerPath p) throws SysException {
        if (p.isRoot() || p.name().equals("..")) {
            throw new SysException(Sys.EINVAL, "the root directory or \"..\" cannot be changed", p.text());
        }
    }

    /** What {@code p} names (the last component is not followed). Close the node. */
    public Node get(ContainerPath p) throws SysException {
        int fd;
        if (p.isRoot() || p.name().equals("..")) {
            fd = resolve(p.relative(), O_PATH | O_DIRECTORY, 0);
        } else {
            int dir = parent(p);
            try {
                fd = Sys.openat(dir, p.name(), O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
            } finally {
                Sys.close(dir);
            }
        }
        try {
            FileStat st = Sys.fstat(fd);
            if (st.isSymlink()) {
                return new LinkNode(st, Sys.readlinkat(fd, ""));
            }
            if (st.isDir()) {
                int d = reopen(fd, O_RDONLY | O_DIRECTORY);
                try {
                    List<String> names = new java.util.ArrayList<>(Sys.list(d));
                    names.sort(null);
                    return new DirNode(st, names);
                } finally {
                    Sys.close(d);
                }
            }
            if (!st.isRegular()) {
                throw new SysException(Sys.EINVAL, "not a regular file, directory or symlink", p.text());
            }
            checkFs(fd);
            return new FileNode(st, reopen(fd, O_RDONLY | O_NONBLOCK));
        } finally {
            Sys.close(fd);
        }
    }

    /**
     * Writes {@code in} to the file {@code p}. Overwrite replaces a regular file atomically (temporary file in the
     * same directory, then rename) keeping its owner and mode unless given; a symlink is written through (resolved
     * in the root), in place, as LXD does. Append needs an existing file. {@code uid}/{@code gid}/{@code mode} -1:
     * not given.
     */
    /**
     * A file announced larger than the free space of the file system that would hold it: refused before anything is
     * written, so a push cannot fill the storage (a host file system, for dir pools).
     */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    private static void requireSpace(int fd, long bytes, ContainerPath p) throws IOException {
        if (bytes > 0) {
            long free = Sys.availableBytes(fd);
            if (bytes > free) {
                throw new TooLarge("The file (" + bytes + " bytes) does not fit in the free space of the instance's storage at \""
                        + p.text() + "\" (" + free + " bytes)");
            }
        }
    }

    /** Writes {@code in} to {@code p}; {@code expectedBytes} (or -1) is the announced length, checked against the free space. */
    public void write(ContainerPath p, InputStream in, long expectedBytes, boolean append, long uid, long gid, int mode)
            throws IOException {
        mutable(p);
        int dir = parent(p);
        try {
            FileStat cur = lstatOrNull(dir, p.name());
            if (cur != null && cur.isDir()) {
                throw new SysException(Sys.EISDIR, "cannot write", p.text());
            }
            if (append || (cur != null && cur.isSymlink())) {
                writeThrough(p, in, expectedBytes, append, cur == null, uid, gid, mode);
                return;
            }
            if (cur != null && !cur.isRegular()) {
                throw new SysException(Sys.EINVAL, "not a regular file", p.text());
            }
            checkFs(dir);
            requireSpace(dir, expectedBytes, p);
            String tmp = ".jlxd-push-" + HexFormat.of().formatHex(randomBytes());
            int fd = Sys.openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
            boolean done = false;
            try {
                copy(in, fd);
                Sys.fchown(fd, uid >= 0 ? uid : cur != null ? cur.uid() : defaultUid, gid >= 0 ? gid : cur != null ? cur.gid() : defaultGid);
                Sys.fchmod(fd, mode >= 0 ? mode : cur != null ? cur.mode() & 07777 : 0644);
                Sys.fsync(fd);
                Sys.renameat(dir, tmp, p.name());
                done = true;
            } finally {
                Sys.close(fd);
                if (!done) {
                    try {
                        Sys.unlinkat(dir, tmp, 0);
                    } catch (SysException ignored) {
                        // nothing left to revert
                    }
                }
            }
        } finally {
            Sys.close(dir);
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Append, or overwrite through a symlink: in place, the whole path resolved in the root. */
    private void writeThrough(ContainerPath p, InputStream in, long expectedBytes, boolean append, boolean missing, long uid,
            long gid, int mode)
            throws IOException {
        if (append && missing) {
            throw new SysException(Sys.ENOENT, "cannot append", p.text());
        }
        int fd;
        boolean created = false;
        try {
            fd = resolve(p.relative(), O_PATH, 0);
        } catch (SysException e) {
            if (e.errno() != Sys.ENOENT || append) {
                throw e;
            }
            // a dangling symlink: create its target, in the root
            int w = resolve(p.relative(), O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY, 0644);
            Sys.close(w);
            fd = resolve(p.relative(), O_PATH, 0);
            created = true;
        }
        try {
            FileStat st = Sys.fstat(fd);
            if (!st.isRegular()) {
                throw new SysException(st.isDir() ? Sys.EISDIR : Sys.EINVAL, "not a regular file", p.text());
            }
            checkFs(fd);
            requireSpace(fd, expectedBytes, p);
            int w = reopen(fd, O_WRONLY | O_NONBLOCK | (append ? O_APPEND : O_TRUNC));
            try {
                copy(in, w);
                if (uid >= 0 || gid >= 0 || created) {
                    Sys.fchown(w, uid >= 0 ? uid : created ? defaultUid : -1, gid >= 0 ? gid : created ? defaultGid : -1);
                }
                if (mode >= 0) {
                    Sys.fchmod(w, mode);
                }
            } finally {
                Sys.close(w);
            }
        } finally {
            Sys.close(fd);
        }
    }

    private static void copy(InputStream in, int fd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(CHUNK);
            byte[] bytes = new byte[CHUNK];
            int n;
            while ((n = in.read(bytes)) >= 0) {
                if (n > 0) {
                    MemorySegment.copy(bytes, 0, buf, ValueLayout.JAVA_BYTE, 0, n);
                    Sys.writeFully(fd, buf, n);
                }
            }
        }
    }

    /** Creates directory {@code p} (nothing happens when a directory is already there, like LXD). */
    public void mkdir(ContainerPath p, long uid, long gid, int mode) throws SysException {
        mutable(p);
        int dir = parent(p);
        try {
            FileStat cur = lstatOrNull(dir, p.name());
            if (cur != null) {
                if (cur.isDir()) {
                    return;
                }
                throw new SysException(Sys.EEXIST, "exists and is not a directory", p.text());
            }
            checkFs(dir);
            Sys.mkdirat(dir, p.name(), 0700);
            int d = Sys.openat(dir, p.name(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
            try {
                Sys.fchown(d, uid >= 0 ? uid : defaultUid, gid >= 0 ? gid : defaultGid);
                Sys.fchmod(d, mode >= 0 ? mode : 0755);
            } finally {
                Sys.close(d);
            }
        } finally {
            Sys.close(dir);
        }
    }

    /** Creates symlink {@code p} pointing to {@code target} (nothing happens when it already does). */
    public void symlink(ContainerPath p, String target, long uid, long gid) throws SysException {
        mutable(p);
        if (target.isEmpty() || target.indexOf('\0') >= 0 || target.length() > 4095) {
            throw new SysException(Sys.EINVAL, "invalid symlink target", p.text());
        }
        int dir = parent(p);
        try {
            FileStat cur = lstatOrNull(dir, p.name());
            if (cur != null) {
                if (cur.isSymlink() && Sys.readlinkat(dir, p.name()).equals(target)) {
                    return;
                }
                throw new SysException(Sys.EEXIST, "already exists", p.text());
            }
            checkFs(dir);
            Sys.symlinkat(target, dir, p.name());
            Sys.lchownat(dir, p.name(), uid >= 0 ? uid : defaultUid, gid >= 0 ? gid : defaultGid);
        } finally {
            Sys.close(dir);
        }
    }

    /** Removes a file, symlink or empty directory. */
    public void delete(ContainerPath p) throws SysException {
        mutable(p);
        int dir = parent(p);
        try {
            FileStat cur = Sys.stat(dir, p.name(), AT_SYMLINK_NOFOLLOW);
            checkFs(dir);
            Sys.unlinkat(dir, p.name(), cur.isDir() ? AT_REMOVEDIR : 0);
        } finally {
            Sys.close(dir);
        }
    }
}
