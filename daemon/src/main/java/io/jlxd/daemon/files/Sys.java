package io.jlxd.daemon.files;

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
 * The libc and system calls of the files API, through FFM: {@code openat2(2)} (by syscall number: glibc has no
 * wrapper) and the *at family on descriptors. Stateless and thread-safe: every call captures errno in its own
 * arena and throws {@link SysException} on failure. Constants are Linux generic ones with the open(2) flags of
 * x86_64 and aarch64.
 */
final class Sys {
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0x40;
    static final int O_EXCL = 0x80;
    static final int O_NOCTTY = 0x100;
    static final int O_TRUNC = 0x200;
    static final int O_APPEND = 0x400;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int O_PATH = 0x200000;
    static final int O_DIRECTORY = io.jlxd.storage.OpenFlags.O_DIRECTORY;
    static final int O_NOFOLLOW = io.jlxd.storage.OpenFlags.O_NOFOLLOW;
    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_IN_ROOT = 0x10;
    static final long SYS_OPENAT2 = 437; // same number on every architecture (new syscalls are unified)

    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int EXDEV = 18;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int EROFS = 30;
    static final int ENAMETOOLONG = 36;
    static final int ENOTEMPTY = 39;
    static final int ELOOP = 40;
    static final int EOVERFLOW = 75;

    private static final MethodHandle SYSCALL4 = Ffm.errnoCall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle OPENAT = Ffm.errnoCall("openat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 
            Linker.Option.firstVariadicArg(3));
    private static final MethodHandle CLOSE = Ffm.errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = Ffm.errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = Ffm.errnoCall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle STATX = Ffm.errnoCall("statx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle FSTATFS = Ffm.errnoCall("fstatfs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle FCHOWN = Ffm.errnoCall("fchown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FCHMOD = Ffm.errnoCall("fchmod", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FCHOWNAT = Ffm.errnoCall("fchownat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle MKDIRAT = Ffm.errnoCall("mkdirat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SYMLINKAT = Ffm.errnoCall("symlinkat", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle UNLINKAT = Ffm.errnoCall("unlinkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RENAMEAT = Ffm.errnoCall("renameat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle READLINKAT = Ffm.errnoCall("readlinkat", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle GETDENTS64 = Ffm.errnoCall("getdents64", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle FSYNC = Ffm.errnoCall("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Sys() {
    }

    private static long check(long rc, MemorySegment st, String op, String path) throws SysException {
        if (rc < 0) {
            throw new SysException(Ffm.errno(st), op, path);
        }
        return rc;
    }

    /** openat2(dirfd, path, {flags, mode, resolve}); retries EAGAIN/EINTR (the kernel's answer to a racing rename). */
    static int openat2(int dirfd, String path, int flags, int mode, long resolve) throws SysException {
        for (int attempt = 0; ; attempt++) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment st = a.allocate(Ffm.CAPTURE);
                MemorySegment how = a.allocate(24, 8);
                how.set(JAVA_LONG, 0, flags & 0xffffffffL);
                how.set(JAVA_LONG, 8, mode);
                how.set(JAVA_LONG, 16, resolve);
                long rc = (long) SYSCALL4.invokeExact(st, SYS_OPENAT2, (long) dirfd, a.allocateFrom(path), how, 24L);
                if (rc < 0 && (Ffm.errno(st) == EAGAIN || Ffm.errno(st) == EINTR) && attempt < 16) {
                    continue;
                }
                return (int) check(rc, st, "openat2", path);
            } catch (SysException e) {
                throw e;
            } catch (Throwable t) {
                throw Ffm.rethrow(t);
            }
        }
    }

    static int openat(int dirfd, String path, int flags, int mode) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            return (int) check((int) OPENAT.invokeExact(st, dirfd, a.allocateFrom(path), flags, mode), st, "openat", path);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    /** Closes quietly (the descriptor is gone whatever close says). */
    static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(a.allocate(Ffm.CAPTURE), fd);
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    /** read(2) into {@code buf}; 0 at end of file. */
    static long read(int fd, MemorySegment buf, long len) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            while (true) {
                long n = (long) READ.invokeExact(st, fd, buf, len);
                if (n < 0 && Ffm.errno(st) == EINTR) {
                    continue;
                }
                return check(n, st, "read", null);
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    /** Writes all {@code len} bytes of {@code buf}. */
    static void writeFully(int fd, MemorySegment buf, long len) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            long off = 0;
            while (off < len) {
                long n = (long) WRITE.invokeExact(st, fd, buf.asSlice(off), len - off);
                if (n < 0 && Ffm.errno(st) == EINTR) {
                    continue;
                }
                off += check(n, st, "write", null);
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    /** statx of {@code path} relative to {@code dirfd} ("" with AT_EMPTY_PATH: the descriptor itself). */
    static FileStat stat(int dirfd, String path, int flags) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            MemorySegment buf = a.allocate(256, 8);
            check((int) STATX.invokeExact(st, dirfd, a.allocateFrom(path), flags, 0x7ff, buf), st, "statx", path);
            return new FileStat(Short.toUnsignedInt(buf.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 28)),
                    Integer.toUnsignedLong(buf.get(JAVA_INT, 20)), Integer.toUnsignedLong(buf.get(JAVA_INT, 24)),
                    buf.get(JAVA_LONG, 40), buf.get(JAVA_LONG, 112));
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    /** The descriptor's own inode. */
    static FileStat fstat(int fd) throws SysException {
        return stat(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
    }

    /** f_type of the file system holding {@code fd}. */
    static long fsType(int fd) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            MemorySegment buf = a.allocate(128, 8);
            check((int) FSTATFS.invokeExact(st, fd, buf), st, "fstatfs", null);
            return buf.get(JAVA_LONG, 0);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    /** Bytes an unprivileged writer can still write on the file system holding {@code fd} (f_bavail × f_bsize). */
    static long availableBytes(int fd) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            MemorySegment buf = a.allocate(128, 8);
            check((int) FSTATFS.invokeExact(st, fd, buf), st, "fstatfs", null);
            return Math.multiplyHigh(buf.get(JAVA_LONG, 32), buf.get(JAVA_LONG, 8)) != 0 ? Long.MAX_VALUE
                    : buf.get(JAVA_LONG, 32) * buf.get(JAVA_LONG, 8);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    static void fchown(int fd, long uid, long gid) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            check((int) FCHOWN.invokeExact(st, fd, (int) uid, (int) gid), st, "fchown", null);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    static void fchmod(int fd, int mode) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            check((int) FCHMOD.invokeExact(st, fd, mode), st, "fchmod", null);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    /** Changes the owner of {@code name} in {@code dirfd} itself (never a symlink's target). */
    static void lchownat(int dirfd, String name, long uid, long gid) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            check((int) FCHOWNAT.invokeExact(st, dirfd, a.allocateFrom(name), (int) uid, (int) gid, AT_SYMLINK_NOFOLLOW),
                    st, "fchownat", name);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    static void mkdirat(int dirfd, String name, int mode) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            check((int) MKDIRAT.invokeExact(st, dirfd, a.allocateFrom(name), mode), st, "mkdirat", name);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    static void symlinkat(String target, int dirfd, String name) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            check((int) SYMLINKAT.invokeExact(st, a.allocateFrom(target), dirfd, a.allocateFrom(name)), st, "symlinkat", name);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    static void unlinkat(int dirfd, String name, int flags) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            check((int) UNLINKAT.invokeExact(st, dirfd, a.allocateFrom(name), flags), st, "unlinkat", name);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    static void renameat(int dirfd, String from, String to) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            check((int) RENAMEAT.invokeExact(st, dirfd, a.allocateFrom(from), dirfd, a.allocateFrom(to)), st, "renameat", to);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    /** The target of the symlink {@code path} in {@code dirfd} ("" : the O_PATH descriptor of a symlink itself). */
    static String readlinkat(int dirfd, String path) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            MemorySegment buf = a.allocate(4097);
            long n = check((long) READLINKAT.invokeExact(st, dirfd, a.allocateFrom(path), buf, 4096L), st, "readlinkat", path);
            return new String(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    /** The entry names of an open directory, without "." and "..". */
    static java.util.List<String> list(int dirfd) throws SysException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            MemorySegment buf = a.allocate(32768, 8);
            while (true) {
                long n = check((long) GETDENTS64.invokeExact(st, dirfd, buf, buf.byteSize()), st, "getdents64", null);
                if (n == 0) {
                    return out;
                }
                long off = 0;
                while (off < n) {
                    int reclen = Short.toUnsignedInt(buf.get(java.lang.foreign.ValueLayout.JAVA_SHORT, off + 16));
                    MemorySegment name = buf.asSlice(off + 19, reclen - 19);
                    long len = 0;
                    while (len < name.byteSize() && name.get(java.lang.foreign.ValueLayout.JAVA_BYTE, len) != 0) {
                        len++;
                    }
                    String s = new String(name.asSlice(0, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                            java.nio.charset.StandardCharsets.UTF_8);
                    if (!s.equals(".") && !s.equals("..")) {
                        out.add(s);
                    }
                    off += reclen;
                }
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }

    static void fsync(int fd) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            check((int) FSYNC.invokeExact(st, fd), st, "fsync", null);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffm.rethrow(t);
        }
    }
}
