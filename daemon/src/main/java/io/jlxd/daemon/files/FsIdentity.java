package io.jlxd.daemon.files;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs file work with the file-system ids of a container's root ({@code setfsuid}/{@code setfsgid}), for file
 * systems the container mounted in its own user namespace (a tmpfs): the kernel refuses to create files there for
 * ids it cannot map (EOVERFLOW), such as host root. The ids are per thread, so the work runs on a platform thread of
 * its own that ends with it; the capabilities the id switch drops from the effective set (DAC override, chown...)
 * are raised again from the permitted set, so the daemon keeps the same powers, only under a mapped identity.
 */
public final class FsIdentity {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SETFSUID = fn("setfsuid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETFSGID = fn("setfsgid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CAPGET = fn("capget", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CAPSET = fn("capset", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final int CAP_VERSION_3 = 0x20080522;

    /** File work that may fail like a system call. */
    @FunctionalInterface
    public interface Work {
        void run() throws IOException;
    }

    private FsIdentity() {
    }

    private static MethodHandle fn(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), d);
    }

    /** Runs {@code work} with fsuid {@code uid} and fsgid {@code gid} on a thread of its own, and waits for it. */
    static void run(long uid, long gid, Work work) throws IOException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("files-as-" + uid).start(() -> {
            try {
                int g = (int) SETFSGID.invokeExact((int) gid);
                int u = (int) SETFSUID.invokeExact((int) uid);
                if ((int) SETFSUID.invokeExact(-1) != (int) uid || (int) SETFSGID.invokeExact(-1) != (int) gid) {
                    throw new IOException("setfsuid/setfsgid " + uid + ":" + gid + " refused");
                }
                raiseEffective();
                work.run();
            } catch (Throwable e) {
                failure.set(e);
            }
            // the thread ends here, and its credentials with it
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Throwable e = failure.get();
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        if (e != null) {
            throw new IOException(e);
        }
    }

    /** effective = permitted, for this thread (capget/capset with version 3: two 32-bit words per set). */
    private static void raiseEffective() throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment hdr = a.allocate(8, 4);
            hdr.set(JAVA_INT, 0, CAP_VERSION_3);
            hdr.set(JAVA_INT, 4, 0);
            MemorySegment data = a.allocate(24, 4); // 2 x {effective, permitted, inheritable}
            if ((int) CAPGET.invokeExact(hdr, data) != 0) {
                throw new IOException("capget failed");
            }
            data.set(JAVA_INT, 0, data.get(JAVA_INT, 4));
            data.set(JAVA_INT, 12, data.get(JAVA_INT, 16));
            if ((int) CAPSET.invokeExact(hdr, data) != 0) {
                throw new IOException("capset failed");
            }
        }
    }
}
