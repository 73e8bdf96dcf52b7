package io.jlxd.storage.pool;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Subvolume snapshots and deletions through the btrfs ioctls (FFM), as {@code btrfs subvolume snapshot|delete} do
 * them, without a process per call: a snapshot is one {@code BTRFS_IOC_SNAP_CREATE_V2} on the destination's parent
 * directory, a deletion one {@code BTRFS_IOC_SNAP_DESTROY}. {@code linux/btrfs.h}: both argument structs are 4096
 * bytes; v2 is {fd s64, transid u64, flags u64, unused u64[4], name char[4040]}, v1 {fd s64, name char[4088]}.
 */
final class BtrfsIoctl {
    private static final long SNAP_CREATE_V2 = 0x50009417L; // _IOW(0x94, 23, struct btrfs_ioctl_vol_args_v2)
    private static final long SNAP_DESTROY = 0x5000940fL;   // _IOW(0x94, 15, struct btrfs_ioctl_vol_args)
    private static final long SUBVOL_RDONLY = 1L << 1;
    private static final long INO_LOOKUP = 0xd0009412L;    // _IOWR(0x94, 18, struct btrfs_ioctl_ino_lookup_args)
    private static final long FS_INFO = 0x8400941fL;       // _IOR(0x94, 31, struct btrfs_ioctl_fs_info_args)
    private static final long FIRST_FREE_OBJECTID = 256;   // a subvolume's root directory
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = io.jlxd.storage.OpenFlags.O_DIRECTORY;
    private static final int O_CLOEXEC = 02000000;
    private static final int ARGS_SIZE = 4096;
    private static final int V2_NAME_OFFSET = 56;
    private static final int V1_NAME_OFFSET = 8;
    private static final int NAME_MAX = 255;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle IOCTL = LINKER.downcallHandle(LINKER.defaultLookup().find("ioctl").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private BtrfsIoctl() {
    }

    /** Snapshots subvolume {@code src} as {@code dst} (which must not exist), read-only or writable. */
    static void snapshot(Path src, Path dst, boolean readOnly) throws IOException {
        String name = name(dst);
        onDir(src, (a, state, srcFd) -> onDir(dst.toAbsolutePath().getParent(), (b, state2, parentFd) -> {
            MemorySegment args = b.allocate(ARGS_SIZE, 8);
            args.set(ValueLayout.JAVA_LONG, 0, srcFd);
            args.set(ValueLayout.JAVA_LONG, 16, readOnly ? SUBVOL_RDONLY : 0);
            args.asSlice(V2_NAME_OFFSET).setString(0, name, StandardCharsets.UTF_8);
            return ioctl(state2, parentFd, SNAP_CREATE_V2, args, "snapshot " + src + " as " + dst);
        }));
    }

    /**
     * Deletes subvolume {@code path} with its content (read-only ones too). Fails (ENOTEMPTY) when it holds nested
     * subvolumes: the caller deletes those first.
     */
    static void destroy(Path path) throws IOException {
        String name = name(path);
        onDir(path.toAbsolutePath().getParent(), (a, state, parentFd) -> {
            MemorySegment args = a.allocate(ARGS_SIZE, 8);
            args.asSlice(V1_NAME_OFFSET).setString(0, name, StandardCharsets.UTF_8);
            return ioctl(state, parentFd, SNAP_DESTROY, args, "delete subvolume " + path);
        });
    }

    /**
     * The subvolume id (tree id) of the subvolume whose root is {@code path}: {@code BTRFS_IOC_INO_LOOKUP} with tree
     * id 0 (the fd's own tree) and object id 256 (a subvolume's root directory); args {treeid u64, objectid u64,
     * name char[4080]}.
     */
    static long subvolumeId(Path path) throws IOException {
        return onDir(path, (a, state, fd) -> {
            MemorySegment args = a.allocate(ARGS_SIZE, 8);
            args.set(ValueLayout.JAVA_LONG, 8, FIRST_FREE_OBJECTID);
            return ioctl(state, fd, INO_LOOKUP, args, "subvolume id of " + path).get(ValueLayout.JAVA_LONG, 0);
        });
    }

    /**
     * The file system id (the UUID that names its {@code /sys/fs/btrfs/<fsid>}) of the btrfs holding {@code path}:
     * {@code BTRFS_IOC_FS_INFO}; args (1024 bytes) {max_id u64, num_devices u64, fsid u8[16], ...}.
     */
    static String fsid(Path path) throws IOException {
        return onDir(path, (a, state, fd) -> {
            MemorySegment args = ioctl(state, fd, FS_INFO, a.allocate(1024, 8), "file system id of " + path);
            StringBuilder u = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                if (i == 4 || i == 6 || i == 8 || i == 10) {
                    u.append('-');
                }
                u.append(String.format("%02x", args.get(ValueLayout.JAVA_BYTE, 16 + i) & 0xff));
            }
            return u.toString();
        });
    }

    /** What runs with a directory open: its arena, the errno capture and the directory's fd. */
    @FunctionalInterface
    private interface OnDir<T> {
        T apply(Arena arena, MemorySegment state, int fd) throws Throwable;
    }

    /** Opens {@code dir} (read-only, close-on-exec), runs {@code op} on it and closes it again. */
    private static <T> T onDir(Path dir, OnDir<T> op) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(STATE);
            int fd = open(a, state, dir);
            try {
                return op.apply(a, state, fd);
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** One ioctl on {@code fd}; returns {@code args} (the kernel's answer for read ioctls), an IOException on failure. */
    private static MemorySegment ioctl(MemorySegment state, int fd, long request, MemorySegment args, String what)
            throws Throwable {
        if ((int) IOCTL.invokeExact(state, fd, request, args) != 0) {
            throw error(what, state);
        }
        return args;
    }

    private static String name(Path p) throws IOException {
        String n = p.getFileName().toString();
        if (n.isEmpty() || n.equals(".") || n.equals("..") || n.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
            throw new IOException("invalid subvolume name: " + p);
        }
        return n;
    }

    private static int open(Arena a, MemorySegment state, Path p) throws Throwable {
        int fd = (int) OPEN.invokeExact(state, a.allocateFrom(p.toAbsolutePath().toString()), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            throw error("open " + p, state);
        }
        return fd;
    }

    private static IOException error(String what, MemorySegment state) {
        int errno = (int) ERRNO.get(state, 0L);
        String text = switch (errno) {
            case 1 -> "Operation not permitted";
            case 2 -> "No such file or directory";
            case 13 -> "Permission denied";
            case 17 -> "File exists";
            case 18 -> "Invalid cross-device link (not on the same btrfs)";
            case 20 -> "Not a directory";
            case 22 -> "Invalid argument (not a subvolume?)";
            case 25 -> "Inappropriate ioctl for device (not btrfs)";
            case 28 -> "No space left on device";
            case 39 -> "Directory not empty (nested subvolumes)";
            case 122 -> "Disk quota exceeded";
            default -> "errno " + errno;
        };
        return new IOException(what + ": " + text);
    }
}
