package io.jlxd.daemon.instance.driver;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.jlxd.daemon.util.Ffm;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The few libc calls the driver makes directly through FFM (none of them forks): the *at family for walking a
 * root filesystem without following symlinks and without decoding file names ({@link RootfsShifter}), xattrs,
 * and kill. Every call captures errno.
 *
 * <p>Not thread-safe: one instance per thread (it owns a confined arena for errno capture). Constants are Linux
 * generic ones, with the open(2) flags of x86_64 and aarch64.
 */
final class Libc implements AutoCloseable {
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_NO_AUTOMOUNT = 0x800;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int O_DIRECTORY = io.jlxd.storage.OpenFlags.O_DIRECTORY;
    static final int O_NOFOLLOW = io.jlxd.storage.OpenFlags.O_NOFOLLOW;
    static final int STATX_BASIC_STATS = 0x7ff;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int E2BIG = 7;
    static final int ENOTSUP = 95;
    static final int ENODATA = 61;
    static final int ERANGE = 34;

    // struct statx (arch-independent): offsets of the members used
    static final long STATX_SIZE = 256;
    static final long STX_NLINK = 16;  // u32
    static final long STX_UID = 20;    // u32
    static final long STX_GID = 24;    // u32
    static final long STX_MODE = 28;   // u16
    static final long STX_INO = 32;    // u64
    static final long STX_DEV_MAJOR = 136; // u32
    static final long STX_DEV_MINOR = 140; // u32

    // struct linux_dirent64 (arch-independent)
    static final long D_RECLEN = 16; // u16
    static final long D_NAME = 19;

    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;


    private static final MethodHandle OPENAT = Ffm.errnoCall("openat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(3));
    private static final MethodHandle CLOSE = Ffm.errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GETDENTS64 = Ffm.errnoCall("getdents64", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle STATX = Ffm.errnoCall("statx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle FCHOWNAT = Ffm.errnoCall("fchownat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FCHMODAT = Ffm.errnoCall("fchmodat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle LGETXATTR = Ffm.errnoCall("lgetxattr", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle LSETXATTR = Ffm.errnoCall("lsetxattr", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle KILL = Ffm.errnoCall("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = arena.allocate(Ffm.CAPTURE);

    Arena arena() {
        return arena;
    }

    /** errno of the last failed call. */
    int errno() {
        return Ffm.errno(state);
    }

    int openat(int dirfd, MemorySegment path, int flags) {
        try {
            return (int) OPENAT.invokeExact(state, dirfd, path, flags, 0);
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    long getdents64(int fd, MemorySegment buf) {
        try {
            return (long) GETDENTS64.invokeExact(state, fd, buf, buf.byteSize());
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    int statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment buf) {
        try {
            return (int) STATX.invokeExact(state, dirfd, path, flags, mask, buf);
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    int fchownat(int dirfd, MemorySegment path, int uid, int gid, int flags) {
        try {
            return (int) FCHOWNAT.invokeExact(state, dirfd, path, uid, gid, flags);
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    int fchmodat(int dirfd, MemorySegment path, int mode, int flags) {
        try {
            return (int) FCHMODAT.invokeExact(state, dirfd, path, mode, flags);
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    long lgetxattr(MemorySegment path, MemorySegment name, MemorySegment value) {
        try {
            return (long) LGETXATTR.invokeExact(state, path, name, value, value.byteSize());
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    int lsetxattr(MemorySegment path, MemorySegment name, MemorySegment value, int flags) {
        try {
            return (int) LSETXATTR.invokeExact(state, path, name, value, value.byteSize(), flags);
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    int kill(int pid, int signal) {
        try {
            return (int) KILL.invokeExact(state, pid, signal);
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
