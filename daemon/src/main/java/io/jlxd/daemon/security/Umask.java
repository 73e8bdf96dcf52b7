package io.jlxd.daemon.security;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * The process umask (umask(2) through FFM; the JDK has no call for it). The daemon runs with {@code 0077}, so that
 * whatever it or a library creates (SQLite's WAL, log files, temporary files) is private unless given a mode on
 * purpose; helpers that act for a container (lxc-start, lxc-attach) run with {@code 0022} instead, as a container's
 * processes would on a host.
 */
public final class Umask {
    /** The daemon's own umask. */
    public static final int DAEMON = 0077;
    /** The umask of a container's processes (init, exec'd commands). */
    public static final int CONTAINER = 0022;

    private static final MethodHandle UMASK = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("umask").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Umask() {
    }

    /** Sets the umask and returns the previous one. */
    public static int set(int mask) {
        try {
            return (int) UMASK.invokeExact(mask & 0777);
        } catch (Throwable t) {
            throw new IllegalStateException("umask(2) failed", t);
        }
    }
}
