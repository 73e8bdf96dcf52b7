package io.jlxd.storage.image;

import io.jlxd.storage.OpenFlags;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The few *at() system calls that safe extraction needs, through the Foreign Function &amp; Memory API: every
 * path handed to them is a single name relative to a directory file descriptor, so no symlink is ever
 * followed implicitly ({@code O_NOFOLLOW}, {@code AT_SYMLINK_NOFOLLOW}). Also the calls plain Java lacks:
 * mknod, fchown/fchmod with setuid bits, extended attributes, renameat2(RENAME_NOREPLACE).
 *
 * <p>One instance per thread (it owns confined scratch buffers); names are byte strings (see {@link TarEntry}).
 * Linux only (x86_64, aarch64 and the other asm-generic layouts; ppc/arm flag values handled).
 */
@SuppressWarnings("restricted")
final class NativeFs implements AutoCloseable {
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_CLOEXEC = 02000000;
    static final int O_DIRECTORY = OpenFlags.O_DIRECTORY;
    static final int O_NOFOLLOW = OpenFlags.O_NOFOLLOW;
    static final int RENAME_NOREPLACE = 1;
    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;
    static final int S_IFCHR = 0020000;
    static final int S_IFBLK = 0060000;
    static final int S_IFIFO = 0010000;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EEXIST = 17;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int ENAMETOOLONG = 36;
    static final int ENOSYS = 38;
    static final int ENOTEMPTY = 39;
    static final int ELOOP = 40;
    static final int ENODATA = 61;
    static final int EOPNOTSUPP = 95;
    static final int PATH_MAX = 4096;
    static final int NAME_MAX = 255;
    private static final int XATTR_MAX = 64 * 1024;
    private static final int IO_BUFFER = 256 * 1024;

    private static final Map<Integer, String> ERRNO_NAMES = Map.ofEntries(Map.entry(1, "EPERM"),
            Map.entry(2, "ENOENT"), Map.entry(4, "EINTR"), Map.entry(5, "EIO"), Map.entry(9, "EBADF"),
            Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"), Map.entry(17, "EEXIST"), Map.entry(18, "EXDEV"),
            Map.entry(20, "ENOTDIR"), Map.entry(21, "EISDIR"), Map.entry(22, "EINVAL"), Map.entry(24, "EMFILE"),
            Map.entry(27, "EFBIG"), Map.entry(28, "ENOSPC"), Map.entry(30, "EROFS"), Map.entry(31, "EMLINK"),
            Map.entry(34, "ERANGE"), Map.entry(36, "ENAMETOOLONG"), Map.entry(38, "ENOSYS"),
            Map.entry(39, "ENOTEMPTY"), Map.entry(40, "ELOOP"), Map.entry(61, "ENODATA"),
            Map.entry(95, "EOPNOTSUPP"), Map.entry(122, "EDQUOT"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout P = ValueLayout.ADDRESS;

    private static final MethodHandle OPENAT = handle("openat", FunctionDescriptor.of(I, I, P, I, I), 3);
    private static final MethodHandle MKDIRAT = handle("mkdirat", FunctionDescriptor.of(I, I, P, I), -1);
    private static final MethodHandle MKNODAT = handle("mknodat", FunctionDescriptor.of(I, I, P, I, L), -1);
    private static final MethodHandle SYMLINKAT = handle("symlinkat", FunctionDescriptor.of(I, P, I, P), -1);
    private static final MethodHandle LINKAT = handle("linkat", FunctionDescriptor.of(I, I, P, I, P, I), -1);
    private static final MethodHandle UNLINKAT = handle("unlinkat", FunctionDescriptor.of(I, I, P, I), -1);
    private static final MethodHandle FCHOWN = handle("fchown", FunctionDescriptor.of(I, I, I, I), -1);
    private static final MethodHandle FCHOWNAT = handle("fchownat", FunctionDescriptor.of(I, I, P, I, I, I), -1);
    private static final MethodHandle FCHMOD = handle("fchmod", FunctionDescriptor.of(I, I, I), -1);
    private static final MethodHandle FCHMODAT = handle("fchmodat", FunctionDescriptor.of(I, I, P, I, I), -1);
    private static final MethodHandle FUTIMENS = handle("futimens", FunctionDescriptor.of(I, I, P), -1);
    private static final MethodHandle UTIMENSAT = handle("utimensat", FunctionDescriptor.of(I, I, P, P, I), -1);
    private static final MethodHandle WRITE = handle("write", FunctionDescriptor.of(L, I, P, L), -1);
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(I, I), -1);
    private static final MethodHandle FSETXATTR = handle("fsetxattr", FunctionDescriptor.of(I, I, P, P, L, I), -1);
    private static final MethodHandle FGETXATTR = handle("fgetxattr", FunctionDescriptor.of(L, I, P, P, L), -1);
    private static final MethodHandle RENAMEAT2 = handle("renameat2", FunctionDescriptor.of(I, I, P, I, P, I), -1);
    private static final MethodHandle STATX = handle("statx", FunctionDescriptor.of(I, I, P, I, I, P), -1);
    private static final MethodHandle FDOPENDIR = handle("fdopendir", FunctionDescriptor.of(P, I), -1);
    private static final MethodHandle READDIR = LINKER.downcallHandle(LIBC.find("readdir").orElseThrow(),
            FunctionDescriptor.of(P, P));
    private static final MethodHandle CLOSEDIR = LINKER.downcallHandle(LIBC.find("closedir").orElseThrow(),
            FunctionDescriptor.of(I, P));
    private static final MethodHandle GETEUID = LINKER.downcallHandle(LIBC.find("geteuid").orElseThrow(),
            FunctionDescriptor.of(I));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(P, I));


    private static MethodHandle handle(String name, FunctionDescriptor fd, int firstVariadic) {
        MemorySegment sym = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc lacks " + name));
        Linker.Option errno = Linker.Option.captureCallState("errno");
        return firstVariadic < 0 ? LINKER.downcallHandle(sym, fd, errno)
                : LINKER.downcallHandle(sym, fd, Linker.Option.firstVariadicArg(firstVariadic), errno);
    }

    /** A failed system call; {@link #errno()} tells why. */
    static final class ErrnoException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int errno;

        ErrnoException(String call, String what, int errno) {
            super(call + "(" + what + "): " + errnoName(errno) + " (" + strerror(errno) + ")");
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }

    /** File type, permission bits and owner of an inode (statx, without following a final symlink). */
    record Stat(int mode, long uid, long gid, long nlink, long ino, long size, long mtime, int mtimeNanos,
            int rdevMajor, int rdevMinor) {
        int type() {
            return mode & S_IFMT;
        }

        boolean isDirectory() {
            return type() == S_IFDIR;
        }

        boolean isSymlink() {
            return type() == S_IFLNK;
        }

        int permissions() {
            return mode & 07777;
        }
    }

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = arena.allocate(CAPTURE);
    private final MemorySegment name1 = arena.allocate(PATH_MAX + 1);
    private final MemorySegment name2 = arena.allocate(PATH_MAX + 1);
    private final MemorySegment xname = arena.allocate(NAME_MAX + 1);
    private final MemorySegment xvalue = arena.allocate(XATTR_MAX);
    private final MemorySegment times = arena.allocate(32, 8);
    private final MemorySegment statx = arena.allocate(256, 8);
    private final MemorySegment io = arena.allocate(IO_BUFFER, 8);

    static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static String errnoName(int errno) {
        return ERRNO_NAMES.getOrDefault(errno, "errno " + errno);
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(512).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** A host path as a byte string for the calls below. */
    static String hostPath(Path p) {
        return new String(p.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private MemorySegment str(MemorySegment seg, String s) throws ErrnoException {
        int n = s.length();
        if (n >= seg.byteSize()) {
            throw new ErrnoException("name", TarEntry.display(s.substring(0, 64)) + "...", ENAMETOOLONG);
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == 0 || c > 0xff) {
                throw new ErrnoException("name", TarEntry.display(s), EINVAL);
            }
            seg.set(ValueLayout.JAVA_BYTE, i, (byte) c);
        }
        seg.set(ValueLayout.JAVA_BYTE, n, (byte) 0);
        return seg;
    }

    private int errno() {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    // ------------------------------------------------------------------------------------------ calls

    int openat(int dirfd, String name, int flags, int mode, String what) throws ErrnoException {
        try {
            while (true) {
                int fd = (int) OPENAT.invokeExact(state, dirfd, str(name1, name), flags | O_CLOEXEC, mode);
                if (fd >= 0) {
                    return fd;
                }
                int e = errno();
                if (e != EINTR) {
                    throw new ErrnoException("open", what, e);
                }
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Opens a directory without following a symlink in the last component. */
    int openDirectory(int dirfd, String name, String what) throws ErrnoException {
        return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0, what);
    }

    /** Creates a new regular file (never an existing one, never through a symlink), open for writing. */
    int createFile(int dirfd, String name, int mode, String what) throws ErrnoException {
        return openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode, what);
    }

    void mkdirat(int dirfd, String name, int mode, String what) throws ErrnoException {
        try {
            if ((int) MKDIRAT.invokeExact(state, dirfd, str(name1, name), mode) < 0) {
                throw new ErrnoException("mkdir", what, errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void mknodat(int dirfd, String name, int mode, int major, int minor, String what) throws ErrnoException {
        long dev = ((major & 0x00000fffL) << 8) | ((major & 0xfffff000L) << 32)
                | (minor & 0x000000ffL) | ((minor & 0xffffff00L) << 12);
        try {
            if ((int) MKNODAT.invokeExact(state, dirfd, str(name1, name), mode, dev) < 0) {
                throw new ErrnoException("mknod", what, errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void symlinkat(String target, int dirfd, String name, String what) throws ErrnoException {
        try {
            if ((int) SYMLINKAT.invokeExact(state, str(name2, target), dirfd, str(name1, name)) < 0) {
                throw new ErrnoException("symlink", what, errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Hardlinks {@code oldName} (not following it if it is a symlink) as {@code newName}. */
    void linkat(int oldDir, String oldName, int newDir, String newName, String what) throws ErrnoException {
        try {
            if ((int) LINKAT.invokeExact(state, oldDir, str(name2, oldName), newDir, str(name1, newName), 0) < 0) {
                throw new ErrnoException("link", what, errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void unlinkat(int dirfd, String name, boolean directory, String what) throws ErrnoException {
        try {
            if ((int) UNLINKAT.invokeExact(state, dirfd, str(name1, name), directory ? AT_REMOVEDIR : 0) < 0) {
                throw new ErrnoException(directory ? "rmdir" : "unlink", what, errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void fchown(int fd, long uid, long gid, String what) throws ErrnoException {
        try {
            if ((int) FCHOWN.invokeExact(state, fd, (int) uid, (int) gid) < 0) {
                throw new ErrnoException("chown", what, errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** lchown relative to a directory. */
    void lchownat(int dirfd, String name, long uid, long gid, String what) throws ErrnoException {
        try {
            if ((int) FCHOWNAT.invokeExact(state, dirfd, str(name1, name), (int) uid, (int) gid,
                    AT_SYMLINK_NOFOLLOW) < 0) {
                throw new ErrnoException("chown", what, errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void fchmod(int fd, int mode, String what) throws ErrnoException {
        try {
            if ((int) FCHMOD.invokeExact(state, fd, mode) < 0) {
                throw new ErrnoException("chmod", what, errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** chmod of a name that is known not to be a symlink (Linux has no lchmod). */
    void fchmodat(int dirfd, String name, int mode, String what) throws ErrnoException {
        try {
            if ((int) FCHMODAT.invokeExact(state, dirfd, str(name1, name), mode, 0) < 0) {
                throw new ErrnoException("chmod", what, errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private MemorySegment times(long sec, int nanos) {
        times.set(ValueLayout.JAVA_LONG, 0, sec);
        times.set(ValueLayout.JAVA_LONG, 8, nanos);
        times.set(ValueLayout.JAVA_LONG, 16, sec);
        times.set(ValueLayout.JAVA_LONG, 24, nanos);
        return times;
    }

    /** Sets access and modification time of an open file. */
    void futimens(int fd, long sec, int nanos, String what) throws ErrnoException {
        try {
            if ((int) FUTIMENS.invokeExact(state, fd, times(sec, nanos)) < 0) {
                throw new ErrnoException("utimens", what, errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets the times of a name without following it (symlinks get their own times). */
    void lutimensat(int dirfd, String name, long sec, int nanos, String what) throws ErrnoException {
        try {
            if ((int) UTIMENSAT.invokeExact(state, dirfd, str(name1, name), times(sec, nanos),
                    AT_SYMLINK_NOFOLLOW) < 0) {
                throw new ErrnoException("utimens", what, errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Size of the buffer {@link #write} copies through: callers read at most this much at a time. */
    static int ioBufferSize() {
        return IO_BUFFER;
    }

    /** Writes all of {@code b[off, off+len)} to fd. */
    void write(int fd, byte[] b, int off, int len, String what) throws ErrnoException {
        while (len > 0) {
            int chunk = Math.min(len, IO_BUFFER);
            MemorySegment.copy(b, off, io, ValueLayout.JAVA_BYTE, 0, chunk);
            long done = 0;
            while (done < chunk) {
                long n;
                try {
                    n = (long) WRITE.invokeExact(state, fd, io.asSlice(done), chunk - done);
                } catch (Throwable t) {
                    throw rethrow(t);
                }
                if (n < 0) {
                    int e = errno();
                    if (e == EINTR) {
                        continue;
                    }
                    throw new ErrnoException("write", what, e);
                }
                done += n;
            }
            off += chunk;
            len -= chunk;
        }
    }

    void close(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            int unused = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void fsetxattr(int fd, String name, byte[] value, String what) throws ErrnoException {
        if (value.length > XATTR_MAX) {
            throw new ErrnoException("setxattr", what + " " + name, ENOSPC);
        }
        MemorySegment.copy(value, 0, xvalue, ValueLayout.JAVA_BYTE, 0, value.length);
        try {
            if ((int) FSETXATTR.invokeExact(state, fd, str(xname, name), xvalue, (long) value.length, 0) < 0) {
                throw new ErrnoException("setxattr", what + " " + TarEntry.display(name), errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The value of an extended attribute, or null when the file has none of that name. */
    byte[] fgetxattr(int fd, String name, String what) throws ErrnoException {
        try {
            long n = (long) FGETXATTR.invokeExact(state, fd, str(xname, name), xvalue, (long) XATTR_MAX);
            if (n < 0) {
                int e = errno();
                if (e == ENODATA) {
                    return null;
                }
                throw new ErrnoException("getxattr", what + " " + name, e);
            }
            return xvalue.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** rename(2) that fails with EEXIST instead of replacing an existing target. */
    void renameNoReplace(String from, String to, String what) throws ErrnoException {
        try {
            if ((int) RENAMEAT2.invokeExact(state, AT_FDCWD, str(name2, from), AT_FDCWD, str(name1, to),
                    RENAME_NOREPLACE) < 0) {
                throw new ErrnoException("rename", what, errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** statx of a name relative to dirfd, not following a final symlink; null when it does not exist. */
    Stat lstatat(int dirfd, String name, String what) throws ErrnoException {
        int flags = AT_SYMLINK_NOFOLLOW | (name.isEmpty() ? AT_EMPTY_PATH : 0);
        try {
            if ((int) STATX.invokeExact(state, dirfd, str(name1, name), flags, 0x7ff, statx) < 0) {
                int e = errno();
                if (e == ENOENT) {
                    return null;
                }
                throw new ErrnoException("stat", what, e);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return new Stat(Short.toUnsignedInt(statx.get(ValueLayout.JAVA_SHORT, 28)),
                Integer.toUnsignedLong(statx.get(ValueLayout.JAVA_INT, 20)),
                Integer.toUnsignedLong(statx.get(ValueLayout.JAVA_INT, 24)),
                Integer.toUnsignedLong(statx.get(ValueLayout.JAVA_INT, 16)),
                statx.get(ValueLayout.JAVA_LONG, 32), statx.get(ValueLayout.JAVA_LONG, 40),
                statx.get(ValueLayout.JAVA_LONG, 112), statx.get(ValueLayout.JAVA_INT, 120),
                statx.get(ValueLayout.JAVA_INT, 128), statx.get(ValueLayout.JAVA_INT, 132));
    }

    /** Names in a directory (without "." and ".."), as byte strings. */
    java.util.List<String> list(int dirFd, String what) throws ErrnoException {
        int fd = openat(dirFd, ".", O_RDONLY | O_DIRECTORY, 0, what);
        MemorySegment dir;
        try {
            dir = (MemorySegment) FDOPENDIR.invokeExact(state, fd);
        } catch (Throwable t) {
            close(fd);
            throw rethrow(t);
        }
        if (dir.equals(MemorySegment.NULL)) {
            int e = errno();
            close(fd);
            throw new ErrnoException("opendir", what, e);
        }
        java.util.List<String> names = new java.util.ArrayList<>();
        try {
            while (true) {
                MemorySegment ent = (MemorySegment) READDIR.invokeExact(dir);
                if (ent.equals(MemorySegment.NULL)) {
                    break; // end (an error would leave entries behind: the rmdir after it reports ENOTEMPTY)
                }
                // struct dirent (64-bit glibc): d_ino 0, d_off 8, d_reclen 16, d_type 18, d_name 19
                MemorySegment d = ent.reinterpret(19 + NAME_MAX + 1);
                int len = 0;
                while (len <= NAME_MAX && d.get(ValueLayout.JAVA_BYTE, 19 + len) != 0) {
                    len++;
                }
                String n = new String(d.asSlice(19, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.ISO_8859_1);
                if (!n.equals(".") && !n.equals("..")) {
                    names.add(n);
                }
            }
            return names;
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            try {
                int unused = (int) CLOSEDIR.invokeExact(dir);
            } catch (Throwable t) {
                // closing a directory stream does not fail in practice
            }
        }
    }

    /**
     * Removes {@code name} under dirFd and, if it is a directory, everything in it; never follows a symlink
     * and never leaves the tree (each level is opened relative to its parent with O_NOFOLLOW).
     */
    void removeTree(int dirFd, String name, String what) throws ErrnoException {
        Stat st = lstatat(dirFd, name, what);
        if (st == null) {
            return;
        }
        if (!st.isDirectory()) {
            unlinkat(dirFd, name, false, what);
            return;
        }
        int fd = openDirectory(dirFd, name, what);
        try {
            for (String child : list(fd, what)) {
                removeTree(fd, child, what);
            }
        } finally {
            close(fd);
        }
        unlinkat(dirFd, name, true, what);
    }

    @Override
    public void close() {
        arena.close();
    }
}
