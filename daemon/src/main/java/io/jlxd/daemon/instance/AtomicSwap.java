package io.jlxd.daemon.instance;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/** {@code renameat2(RENAME_EXCHANGE)}: swaps two paths of one file system in one step (FFM). */
final class AtomicSwap {
    private static final int AT_FDCWD = -100;
    private static final int RENAME_EXCHANGE = 2;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle RENAMEAT2 = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("renameat2"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("strerror"),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private AtomicSwap() {
    }

    /** Exchanges {@code a} and {@code b} (both must exist). */
    static void exchange(Path a, Path b) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) RENAMEAT2.invokeExact(state, AT_FDCWD, arena.allocateFrom(a.toString()), AT_FDCWD,
                    arena.allocateFrom(b.toString()), RENAME_EXCHANGE);
            if (rc != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                MemorySegment msg = ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(256);
                throw new IOException("renameat2(" + a + ", " + b + ", RENAME_EXCHANGE): " + msg.getString(0));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }
}
