package io.jlxd.daemon.instance.driver;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Shifts the ownership of every inode of a root filesystem by an id offset, for unprivileged containers: an
 * image extracted with container ids (root = 0) becomes owned by the container's host ids (root = 1000000), and
 * back.
 *
 * <p>What it does, per inode, never following a symlink:
 * <ul>
 *   <li>uid and gid each move from {@code [from, from+size)} to {@code [to, to+size)}; an id already in the target
 *       range stays (so hard links, seen twice, and a re-run are harmless); an id in neither range is left as it
 *       is and counted in {@link Result#unmapped()} (it shows as the overflow id 65534 inside).</li>
 *   <li>{@code lchown} semantics through {@code fchownat(dirfd, name, AT_SYMLINK_NOFOLLOW)}: a symlink itself is
 *       chowned, its target never.</li>
 *   <li>chown clears S_ISUID/S_ISGID (also for root) and removes the {@code security.capability} xattr; both are
 *       put back: the mode with {@code fchmodat}, the capability rewritten for the target range: as a v3
 *       (namespaced) capability whose root id is the shifted root id (valid in the container's user namespace
 *       only, like LXD does), or as a v2 capability when shifting back to root id 0. v1/v2/v3 are read.</li>
 *   <li>Does not cross into other filesystems (mount points inside the tree are counted and skipped).</li>
 *   <li>POSIX ACLs ({@code system.posix_acl_*} xattrs) are not shifted; named-user ACL entries would keep host
 *       ids. Images rarely carry them.</li>
 * </ul>
 *
 * <p>How: directories are walked with {@code openat(O_DIRECTORY|O_NOFOLLOW)} + {@code getdents64}, inodes read with
 * {@code statx} relative to the directory fd, on a fork-join pool (one task per directory). File names stay
 * bytes end to end, so names that are not valid in the JVM's file-name encoding (a daemon started with no
 * locale has ASCII) are handled, and a symlink swapped in for a directory is never followed. The tree must not
 * be in use (the container stopped).
 */
public final class RootfsShifter {
    private static final String CAPABILITY_XATTR = "security.capability";
    private static final int VFS_CAP_REVISION_MASK = 0xFF000000;
    private static final int VFS_CAP_REVISION_1 = 0x01000000;
    private static final int VFS_CAP_REVISION_2 = 0x02000000;
    private static final int VFS_CAP_REVISION_3 = 0x03000000;
    private static final int VFS_CAP_FLAGS_EFFECTIVE = 0x000001;
    private static final int DIRENT_BUFFER = 64 * 1024;
    /** Capability xattrs are little-endian on every architecture. */
    private static final ValueLayout.OfInt LE32 = JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Moves ids {@code [fromBase, fromBase+size)} to {@code [toBase, toBase+size)}; the ranges may not overlap.
     */
    public record IdShift(long fromBase, long toBase, long size) {
        public IdShift {
            if (fromBase < 0 || toBase < 0 || size < 1 || fromBase + size > 0xFFFF_FFFFL || toBase + size > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("invalid id shift " + fromBase + " -> " + toBase + " x " + size);
            }
            if (fromBase < toBase + size && toBase < fromBase + size) {
                throw new IllegalArgumentException("id ranges overlap: " + fromBase + " -> " + toBase + " x " + size);
            }
        }

        /** Container ids (0..size-1) to the map's host ids: prepare a rootfs for an unprivileged container. */
        public static IdShift toHost(IdMap map) {
            return new IdShift(0, map.base(), map.size());
        }

        /** Back from the map's host ids to container ids (e.g. to make the container privileged, or re-map it). */
        public static IdShift toContainer(IdMap map) {
            return new IdShift(map.base(), 0, map.size());
        }

        /** The new id, or {@code id} itself when it is already in the target range, or -1 when it is in neither. */
        long map(long id) {
            if (id >= fromBase && id < fromBase + size) {
                return id - fromBase + toBase;
            }
            if (id >= toBase && id < toBase + size) {
                return id;
            }
            return -1;
        }
    }

    /**
     * What a shift did.
     *
     * @param inodes       inodes visited (the root included; a hard-linked inode once per link)
     * @param changed      inodes whose owner changed
     * @param unmapped     inodes with a uid or gid in neither range (left as they were)
     * @param capabilities file capabilities rewritten
     * @param setid        setuid/setgid modes restored after chown
     * @param mountPoints  directories on another filesystem, skipped with everything below them
     * @param elapsed      wall-clock time
     */
    public record Result(long inodes, long changed, long unmapped, long capabilities, long setid, long mountPoints, Duration elapsed) {
    }

    private RootfsShifter() {
    }

    /** Shifts {@code rootfs} with one worker per CPU. */
    public static Result shift(Path rootfs, IdShift shift) throws IOException {
        return shift(rootfs, shift, Runtime.getRuntime().availableProcessors());
    }

    /** Shifts {@code rootfs} (an absolute path to a directory) with {@code parallelism} workers. */
    public static Result shift(Path rootfs, IdShift shift, int parallelism) throws IOException {
        if (!rootfs.isAbsolute()) {
            throw new IllegalArgumentException("rootfs must be absolute: " + rootfs);
        }
        long start = System.nanoTime();
        Walk walk = new Walk(shift);
        try (Libc libc = new Libc()) {
            Arena a = libc.arena();
            MemorySegment path = a.allocateFrom(rootfs.toString());
            MemorySegment stx = a.allocate(Libc.STATX_SIZE, 8);
            if (libc.statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW | Libc.AT_NO_AUTOMOUNT, Libc.STATX_BASIC_STATS, stx) != 0) {
                throw walk.error(libc, "statx", rootfs.toString());
            }
            if ((mode(stx) & Libc.S_IFMT) != Libc.S_IFDIR) {
                throw new IOException(rootfs + " is not a directory");
            }
            walk.rootDev = dev(stx);
            walk.inode(new Scratch(libc), Libc.AT_FDCWD, path, stx, rootfs::toString);
            int fd = libc.openat(Libc.AT_FDCWD, path, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw walk.error(libc, "open", rootfs.toString());
            }
            ForkJoinPool pool = new ForkJoinPool(Math.max(1, parallelism));
            try {
                pool.invoke(new DirTask(walk, fd, rootfs.toString()));
            } finally {
                pool.shutdown();
            }
        }
        if (walk.failure.get() != null) {
            throw walk.failure.get();
        }
        return new Result(walk.inodes.sum(), walk.changed.sum(), walk.unmapped.sum(), walk.caps.sum(), walk.setid.sum(),
                walk.mounts.sum(), Duration.ofNanos(System.nanoTime() - start));
    }

    private static int mode(MemorySegment stx) {
        return Short.toUnsignedInt(stx.get(JAVA_SHORT_UNALIGNED, Libc.STX_MODE));
    }

    private static long dev(MemorySegment stx) {
        return ((long) stx.get(JAVA_INT_UNALIGNED, Libc.STX_DEV_MAJOR) << 32) | Integer.toUnsignedLong(stx.get(JAVA_INT_UNALIGNED, Libc.STX_DEV_MINOR));
    }

    /**
     * Per-task native buffers, allocated once per directory task rather than per inode (allocation dominated the
     * walk otherwise).
     */
    private static final class Scratch {
        static final int NAME_MAX = 255;
        final Libc libc;
        final MemorySegment capName;
        final MemorySegment capIn;
        final MemorySegment capOut;
        final MemorySegment procPath;
        int prefixLength = -1;
        int prefixFd = Integer.MIN_VALUE;

        Scratch(Libc libc) {
            this.libc = libc;
            Arena a = libc.arena();
            capName = a.allocateFrom(CAPABILITY_XATTR);
            capIn = a.allocate(24);
            capOut = a.allocate(24);
            procPath = a.allocate(64 + NAME_MAX + 1);
        }

        /** {@code /proc/self/fd/<dirfd>/<name>}: a path for the path-only xattr calls that keeps the name as bytes. */
        MemorySegment procPath(int dirfd, MemorySegment name) {
            if (prefixFd != dirfd) {
                byte[] prefix = ("/proc/self/fd/" + dirfd + "/").getBytes(StandardCharsets.US_ASCII);
                MemorySegment.copy(prefix, 0, procPath, JAVA_BYTE, 0, prefix.length);
                prefixLength = prefix.length;
                prefixFd = dirfd;
            }
            long len = Math.min(strlen(name), NAME_MAX);
            MemorySegment.copy(name, 0, procPath, prefixLength, len);
            procPath.set(JAVA_BYTE, prefixLength + len, (byte) 0);
            return procPath;
        }
    }

    /** State shared by all tasks of one shift. */
    private static final class Walk {
        final IdShift shift;
        long rootDev;
        final LongAdder inodes = new LongAdder();
        final LongAdder changed = new LongAdder();
        final LongAdder unmapped = new LongAdder();
        final LongAdder caps = new LongAdder();
        final LongAdder setid = new LongAdder();
        final LongAdder mounts = new LongAdder();
        final AtomicReference<IOException> failure = new AtomicReference<>();

        Walk(IdShift shift) {
            this.shift = shift;
        }

        IOException error(Libc libc, String op, String path) {
            int errno = libc.errno();
            return new IOException(op + " " + path + ": " + io.jlxd.daemon.util.Ffm.strerror(errno) + " (errno " + errno + ")");
        }

        void fail(IOException e) {
            failure.compareAndSet(null, e);
        }

        /**
         * Shifts one inode, {@code name} relative to {@code dirfd}; {@code stx} holds its statx. {@code display} is
         * only for error messages.
         */
        void inode(Scratch scratch, int dirfd, MemorySegment name, MemorySegment stx, DirTask dir, MemorySegment entry) throws IOException {
            inode(scratch, dirfd, name, stx, () -> dir.child(entry));
        }

        void inode(Scratch scratch, int dirfd, MemorySegment name, MemorySegment stx, Supplier<String> display) throws IOException {
            Libc libc = scratch.libc;
            inodes.increment();
            long uid = Integer.toUnsignedLong(stx.get(JAVA_INT_UNALIGNED, Libc.STX_UID));
            long gid = Integer.toUnsignedLong(stx.get(JAVA_INT_UNALIGNED, Libc.STX_GID));
            long newUid = shift.map(uid);
            long newGid = shift.map(gid);
            if (newUid < 0 || newGid < 0) {
                unmapped.increment();
                newUid = newUid < 0 ? uid : newUid;
                newGid = newGid < 0 ? gid : newGid;
            }
            if (newUid == uid && newGid == gid) {
                return;
            }
            int mode = mode(stx);
            int type = mode & Libc.S_IFMT;
            MemorySegment cap = null;
            MemorySegment xattrPath = null;
            if (type == Libc.S_IFREG) {
                xattrPath = scratch.procPath(dirfd, name);
                cap = readCapability(scratch, xattrPath, display);
            }
            if (libc.fchownat(dirfd, name, (int) newUid, (int) newGid, Libc.AT_SYMLINK_NOFOLLOW) != 0) {
                throw error(libc, "chown", display.get());
            }
            changed.increment();
            if (type != Libc.S_IFLNK && (mode & 06000) != 0) {
                // chown dropped S_ISUID/S_ISGID of a file; put the mode back (directories keep it, harmless)
                if (libc.fchmodat(dirfd, name, mode & 07777, 0) != 0) {
                    throw error(libc, "chmod", display.get());
                }
                setid.increment();
            }
            if (cap != null) {
                MemorySegment shifted = shiftCapability(scratch.capOut, cap);
                if (libc.lsetxattr(xattrPath, scratch.capName, shifted, 0) != 0) {
                    throw error(libc, "setxattr security.capability", display.get());
                }
                caps.increment();
            }
        }

        /** The capability xattr of a regular file, or null. */
        MemorySegment readCapability(Scratch scratch, MemorySegment path, Supplier<String> display) throws IOException {
            Libc libc = scratch.libc;
            MemorySegment buf = scratch.capIn;
            long n = libc.lgetxattr(path, scratch.capName, buf);
            if (n < 0) {
                int errno = libc.errno();
                if (errno == Libc.ENODATA || errno == Libc.ENOTSUP) {
                    return null;
                }
                throw error(libc, "getxattr security.capability", display.get());
            }
            return buf.asSlice(0, n);
        }

        /** A capability xattr for the target range: v3 with the shifted root id, or v2 for root id 0. */
        MemorySegment shiftCapability(MemorySegment outBuffer, MemorySegment cap) throws IOException {
            int magic = cap.get(LE32, 0);
            int revision = magic & VFS_CAP_REVISION_MASK;
            long rootid = 0;
            int words;
            switch (revision) {
                case VFS_CAP_REVISION_1 -> words = 1;
                case VFS_CAP_REVISION_2 -> words = 2;
                case VFS_CAP_REVISION_3 -> {
                    words = 2;
                    if (cap.byteSize() < 24) {
                        throw new IOException("truncated v3 capability");
                    }
                    rootid = Integer.toUnsignedLong(cap.get(LE32, 20));
                }
                default -> throw new IOException("unknown capability revision 0x" + Integer.toHexString(revision));
            }
            long mapped = shift.map(rootid);
            long newRoot = mapped < 0 ? rootid : mapped;
            MemorySegment out = outBuffer.asSlice(0, newRoot == 0 ? 20 : 24);
            out.fill((byte) 0);
            int flags = magic & VFS_CAP_FLAGS_EFFECTIVE;
            out.set(LE32, 0, (newRoot == 0 ? VFS_CAP_REVISION_2 : VFS_CAP_REVISION_3) | flags);
            for (int i = 0; i < words; i++) {
                out.set(LE32, 4 + 8L * i, cap.get(LE32, 4 + 8L * i));       // permitted
                out.set(LE32, 8 + 8L * i, cap.get(LE32, 8 + 8L * i));       // inheritable
            }
            if (newRoot != 0) {
                out.set(LE32, 20, (int) newRoot);
            }
            return out;
        }
    }

    private static long strlen(MemorySegment s) {
        long i = 0;
        while (s.get(JAVA_BYTE, i) != 0) {
            i++;
        }
        return i;
    }

    /**
     * Shifts the entries of one directory, then runs a task per subdirectory. A task opens its directory when it
     * starts (relative to its parent's fd, which stays open until the children are done) and closes it when its
     * subtree is done, so open descriptors stay around depth x workers, not the width of the tree.
     */
    private static final class DirTask extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient Walk walk;
        private final int parentFd;
        private final byte[] name;
        private final String display;
        private int fd = -1;

        /** The root: {@code fd} is already open. */
        DirTask(Walk walk, int fd, String display) {
            this(walk, -1, null, display);
            this.fd = fd;
        }

        DirTask(Walk walk, int parentFd, byte[] name, String display) {
            this.walk = walk;
            this.parentFd = parentFd;
            this.name = name;
            this.display = display;
        }

        @Override
        protected void compute() {
            List<DirTask> children = new ArrayList<>();
            try (Libc libc = new Libc()) {
                try {
                    if (walk.failure.get() == null) {
                        if (fd < 0) {
                            MemorySegment n = libc.arena().allocate(name.length + 1L);
                            MemorySegment.copy(name, 0, n, JAVA_BYTE, 0, name.length);
                            fd = libc.openat(parentFd, n, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC);
                            if (fd < 0) {
                                throw walk.error(libc, "open", display);
                            }
                        }
                        scan(libc, children);
                        invokeAll(children);
                    }
                } catch (IOException e) {
                    walk.fail(e);
                } catch (RuntimeException e) {
                    walk.fail(new IOException(display + ": " + e, e));
                } finally {
                    if (fd >= 0) {
                        libc.close(fd);
                    }
                }
            }
        }

        private void scan(Libc libc, List<DirTask> children) throws IOException {
            Arena a = libc.arena();
            MemorySegment buf = a.allocate(DIRENT_BUFFER, 8);
            MemorySegment stx = a.allocate(Libc.STATX_SIZE, 8);
            Scratch scratch = new Scratch(libc);
            while (true) {
                long n = libc.getdents64(fd, buf);
                if (n < 0) {
                    throw walk.error(libc, "getdents", display);
                }
                if (n == 0) {
                    return;
                }
                for (long off = 0; off < n; ) {
                    int reclen = Short.toUnsignedInt(buf.get(JAVA_SHORT_UNALIGNED, off + Libc.D_RECLEN));
                    MemorySegment entry = buf.asSlice(off + Libc.D_NAME, reclen - Libc.D_NAME);
                    off += reclen;
                    if (!isDotOrDotDot(entry)) {
                        entry(scratch, entry, stx, children);
                    }
                }
            }
        }

        private void entry(Scratch scratch, MemorySegment entry, MemorySegment stx, List<DirTask> children) throws IOException {
            Libc libc = scratch.libc;
            if (libc.statx(fd, entry, Libc.AT_SYMLINK_NOFOLLOW | Libc.AT_NO_AUTOMOUNT, Libc.STATX_BASIC_STATS, stx) != 0) {
                if (libc.errno() == Libc.ENOENT) {
                    return; // removed meanwhile
                }
                throw walk.error(libc, "statx", child(entry));
            }
            boolean dir = (mode(stx) & Libc.S_IFMT) == Libc.S_IFDIR;
            if (dir && dev(stx) != walk.rootDev) {
                walk.mounts.increment();
                return;
            }
            walk.inode(scratch, fd, entry, stx, this, entry);
            if (dir) {
                byte[] bytes = entry.asSlice(0, strlen(entry)).toArray(JAVA_BYTE);
                children.add(new DirTask(walk, fd, bytes, child(entry)));
            }
        }

        /** The display path of an entry (file names decoded as UTF-8, for messages only). */
        String child(MemorySegment entry) {
            byte[] bytes = entry.asSlice(0, strlen(entry)).toArray(JAVA_BYTE);
            return display + "/" + new String(bytes, StandardCharsets.UTF_8);
        }

        private static boolean isDotOrDotDot(MemorySegment name) {
            byte b0 = name.get(JAVA_BYTE, 0);
            if (b0 != '.') {
                return false;
            }
            byte b1 = name.get(JAVA_BYTE, 1);
            return b1 == 0 || (b1 == '.' && name.get(JAVA_BYTE, 2) == 0);
        }
    }
}
