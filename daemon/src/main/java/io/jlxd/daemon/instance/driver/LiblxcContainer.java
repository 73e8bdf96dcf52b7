package io.jlxd.daemon.instance.driver;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.jlxd.daemon.lxc.LibLxc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * A {@code struct lxc_container} reference through FFM: {@code lxc_container_new(name, lxcpath)} on
 * {@link #open}, {@code lxc_container_put} on {@link #close}, and the member functions that do not fork the
 * caller (config, state, init pid, freeze/unfreeze, stop, shutdown). Never call start, attach, checkpoint or
 * restore through this class: they fork the JVM.
 *
 * <p>Function pointers are read from the struct at the offsets of {@link LxcContainerStruct} (liblxc 5.0.2) and
 * called through address-less downcall handles.
 *
 * <p>Thread safety: a handle is a single liblxc object; every method is {@code synchronized} on it, so it may be
 * shared, but calls on one handle run one at a time. liblxc itself serializes state-changing calls on one object
 * with its private per-object lock and, across objects and processes, with the container's file lock
 * ({@code /run/lxc/lock/<lxcpath>/.<name>}). Separate handles of the same container may be used from separate
 * threads; config edits (set + save) from two handles can still interleave, which is why
 * {@link LxcContainerDriver} serializes lifecycle operations per container name. Downcalls pin a virtual thread
 * to its carrier for their duration: {@link #shutdown(int)} with a timeout blocks that long, so call it from a
 * platform thread or with timeout 0 and poll. Opening a handle parses the container's config (sub-millisecond),
 * so short-lived handles are fine.
 */
public final class LiblxcContainer implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    // member-function call shapes: the first argument of each handle is the function pointer
    private static final MethodHandle BOOL_C = fp(FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
    private static final MethodHandle BOOL_C_STR = fp(FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS));
    private static final MethodHandle BOOL_C_STR_STR = fp(FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle BOOL_C_INT = fp(FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT));
    private static final MethodHandle INT_C = fp(FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle STR_C = fp(FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle INT_C_PTR_PTR = fp(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle INT_C_STR_BUF_INT = fp(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));

    /** Exported functions, bound on first use so that loading this class never requires liblxc. */
    private static final class Exports {
        static final MethodHandle NEW = LibLxc.function("lxc_container_new", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle PUT = LibLxc.function("lxc_container_put", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private final String name;
    private final Path lxcPath;
    private MemorySegment c;

    private LiblxcContainer(String name, Path lxcPath, MemorySegment c) {
        this.name = name;
        this.lxcPath = lxcPath;
        this.c = c;
    }

    private static MethodHandle fp(FunctionDescriptor d) {
        return LINKER.downcallHandle(d);
    }

    /**
     * {@code lxc_container_new(name, lxcPath)}: a reference to the container, defined or not (its config, when
     * {@code <lxcPath>/<name>/config} exists, is loaded).
     *
     * @throws IllegalStateException when liblxc is missing or refuses the name/path
     */
    public static LiblxcContainer open(String name, Path lxcPath) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = (MemorySegment) Exports.NEW.invokeExact(arena.allocateFrom(name), arena.allocateFrom(lxcPath.toString()));
            if (c.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("lxc_container_new(" + name + ", " + lxcPath + ") failed");
            }
            return new LiblxcContainer(name, lxcPath, c.reinterpret(LxcContainerStruct.SIZE));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("lxc_container_new failed", t);
        }
    }

    public String name() {
        return name;
    }

    public Path lxcPath() {
        return lxcPath;
    }

    private MemorySegment self() {
        if (c == null) {
            throw new IllegalStateException("container handle " + name + " is closed");
        }
        return c;
    }

    private MemorySegment fn(long offset) {
        MemorySegment f = self().get(ADDRESS, offset);
        if (f.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("struct lxc_container member at " + offset + " is NULL");
        }
        return f;
    }

    private static IllegalStateException failed(String what, Throwable t) {
        return new IllegalStateException(what + " failed", t);
    }

    /** {@code is_defined}: the container's config file exists. */
    public synchronized boolean isDefined() {
        try {
            return (boolean) BOOL_C.invokeExact(fn(LxcContainerStruct.IS_DEFINED), self());
        } catch (Throwable t) {
            throw failed("is_defined", t);
        }
    }

    /** {@code state}: asks the monitor over its command socket; STOPPED when there is no monitor. */
    public synchronized ContainerState state() {
        try {
            MemorySegment s = (MemorySegment) STR_C.invokeExact(fn(LxcContainerStruct.STATE), self());
            if (s.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("state() returned NULL for " + name);
            }
            return ContainerState.parse(s.reinterpret(32).getString(0));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw failed("state", t);
        }
    }

    /** {@code is_running}: state is not STOPPED. */
    public synchronized boolean isRunning() {
        try {
            return (boolean) BOOL_C.invokeExact(fn(LxcContainerStruct.IS_RUNNING), self());
        } catch (Throwable t) {
            throw failed("is_running", t);
        }
    }

    /** {@code init_pid}: host pid of the container's init, or -1 when it is not running. */
    public synchronized int initPid() {
        try {
            return (int) INT_C.invokeExact(fn(LxcContainerStruct.INIT_PID), self());
        } catch (Throwable t) {
            throw failed("init_pid", t);
        }
    }

    /**
     * {@code console_getfd(c, &ttynum=0, &ptxfd)}: the ptx side of the console of the RUNNING container, passed
     * by its monitor over the command socket (no fork). Returns {keep-alive fd, ptx fd}; close both when done
     * (the console stays allocated to this caller until then). Null when the container has no console or it is
     * taken.
     */
    public synchronized int[] consoleGetfd() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment tty = a.allocate(JAVA_INT);
            MemorySegment ptx = a.allocate(JAVA_INT);
            tty.set(JAVA_INT, 0, 0);
            ptx.set(JAVA_INT, 0, -1);
            int keep = (int) INT_C_PTR_PTR.invokeExact(fn(LxcContainerStruct.CONSOLE_GETFD), self(), tty, ptx);
            if (keep < 0) {
                return null;
            }
            return new int[] {keep, ptx.get(JAVA_INT, 0)};
        } catch (Throwable t) {
            throw failed("console_getfd", t);
        }
    }

    /** {@code freeze}: freezes every task of the container (cgroup freezer); returns when FROZEN. */
    public synchronized boolean freeze() {
        try {
            return (boolean) BOOL_C.invokeExact(fn(LxcContainerStruct.FREEZE), self());
        } catch (Throwable t) {
            throw failed("freeze", t);
        }
    }

    /** {@code unfreeze}: thaws the container. */
    public synchronized boolean unfreeze() {
        try {
            return (boolean) BOOL_C.invokeExact(fn(LxcContainerStruct.UNFREEZE), self());
        } catch (Throwable t) {
            throw failed("unfreeze", t);
        }
    }

    /**
     * {@code stop}: the monitor sends init {@code lxc.signal.stop} (SIGKILL) and thaws a frozen container so the
     * signal is delivered. Returns once the signal is sent, not when the container is STOPPED.
     */
    public synchronized boolean stop() {
        try {
            return (boolean) BOOL_C.invokeExact(fn(LxcContainerStruct.STOP), self());
        } catch (Throwable t) {
            throw failed("stop", t);
        }
    }

    /**
     * {@code shutdown}: sends init {@code lxc.signal.halt} and waits up to {@code timeoutSeconds} for STOPPED
     * (0 = send and return at once, -1 = wait forever). True when the container stopped (always true for 0 once
     * the signal was sent; true as well when it was not running).
     */
    public synchronized boolean shutdown(int timeoutSeconds) {
        try {
            return (boolean) BOOL_C_INT.invokeExact(fn(LxcContainerStruct.SHUTDOWN), self(), timeoutSeconds);
        } catch (Throwable t) {
            throw failed("shutdown", t);
        }
    }

    /** {@code get_config_item}: the value of a key in the loaded config ("" when unset), or null for an unknown key. */
    public synchronized String getConfigItem(String key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocateFrom(key);
            MemorySegment f = fn(LxcContainerStruct.GET_CONFIG_ITEM);
            int len = (int) INT_C_STR_BUF_INT.invokeExact(f, self(), k, MemorySegment.NULL, 0);
            if (len < 0) {
                return null;
            }
            MemorySegment buf = arena.allocate(len + 1L);
            int got = (int) INT_C_STR_BUF_INT.invokeExact(f, self(), k, buf, len + 1);
            if (got < 0) {
                return null;
            }
            return buf.getString(0);
        } catch (Throwable t) {
            throw failed("get_config_item(" + key + ")", t);
        }
    }

    /**
     * {@code set_config_item}: sets a key in the loaded (in-memory) config; list keys (lxc.idmap, lxc.environment,
     * lxc.mount.entry, ...) append. {@link #saveConfig()} writes it.
     */
    public synchronized boolean setConfigItem(String key, String value) {
        try (Arena arena = Arena.ofConfined()) {
            return (boolean) BOOL_C_STR_STR.invokeExact(fn(LxcContainerStruct.SET_CONFIG_ITEM), self(),
                    arena.allocateFrom(key), arena.allocateFrom(value));
        } catch (Throwable t) {
            throw failed("set_config_item(" + key + ")", t);
        }
    }

    /** {@code clear_config_item}: empties a (list) key in the loaded config. */
    public synchronized boolean clearConfigItem(String key) {
        try (Arena arena = Arena.ofConfined()) {
            return (boolean) BOOL_C_STR.invokeExact(fn(LxcContainerStruct.CLEAR_CONFIG_ITEM), self(), arena.allocateFrom(key));
        } catch (Throwable t) {
            throw failed("clear_config_item(" + key + ")", t);
        }
    }

    /** {@code save_config(NULL)}: writes the loaded config to {@code <lxcpath>/<name>/config}, creating the directory. */
    public synchronized boolean saveConfig() {
        try {
            return (boolean) BOOL_C_STR.invokeExact(fn(LxcContainerStruct.SAVE_CONFIG), self(), MemorySegment.NULL);
        } catch (Throwable t) {
            throw failed("save_config", t);
        }
    }

    /** {@code load_config(file)}: (re)loads a config file into the handle, added to what is loaded; null = the default file. */
    public synchronized boolean loadConfig(Path file) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment f = file == null ? MemorySegment.NULL : arena.allocateFrom(file.toString());
            return (boolean) BOOL_C_STR.invokeExact(fn(LxcContainerStruct.LOAD_CONFIG), self(), f);
        } catch (Throwable t) {
            throw failed("load_config", t);
        }
    }

    /** liblxc's last error string on this handle ({@code error_string}), or null. */
    public synchronized String errorString() {
        MemorySegment s = self().get(ADDRESS, LxcContainerStruct.ERROR_STRING);
        return s.equals(MemorySegment.NULL) ? null : s.reinterpret(4096).getString(0);
    }

    /** liblxc's last error number on this handle ({@code error_num}). */
    public synchronized int errorNum() {
        return self().get(JAVA_INT, LxcContainerStruct.ERROR_NUM);
    }

    /** {@code lxc_container_put}: drops the reference. Idempotent. */
    @Override
    public synchronized void close() {
        if (c == null) {
            return;
        }
        MemorySegment ref = c;
        c = null;
        try {
            int ignored = (int) Exports.PUT.invokeExact(ref);
        } catch (Throwable t) {
            throw failed("lxc_container_put", t);
        }
    }
}
