package io.jlxd.daemon.instance.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A command running in a container: the {@code jlxd-forkexec} or {@code lxc-attach} process that runs it (both stay
 * outside the container's pid namespace and wait for the command, their child inside it), and the command itself.
 *
 * <p>Neither forwards signals (lxc-attach: measured): killing it leaves the command running, re-parented to host init
 * (measured). So {@link #signal} and {@link #kill} find the command (the child of lxc-attach that lives in the
 * container's pid namespace) and signal it directly; lxc-attach then exits with the command's status.
 *
 * <p>Exit status ({@link #waitFor()}): the command's exit code; 128+N when it died of signal N; 127 when the
 * program was not found; 126 when {@code cwd} could not be entered (wrapper). lxc-attach's own failures (container
 * gone, ...) exit 1, indistinguishable from a command exiting 1 except by its message on stderr.
 */
public final class ExecProcess {
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;
    private final Process attach;
    private final String containerPidNs;
    private volatile ProcessHandle command;

    ExecProcess(Process attach, String containerPidNs) {
        this.attach = attach;
        this.containerPidNs = containerPidNs;
    }

    /** The lxc-attach process: its streams are the command's stdin/stdout/stderr (where piped). */
    public Process process() {
        return attach;
    }

    /** Waits for the command to end; its exit status. */
    public int waitFor() throws InterruptedException {
        return attach.waitFor();
    }

    /** Waits at most {@code timeout}; true when the command ended. */
    public boolean waitFor(Duration timeout) throws InterruptedException {
        return attach.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The command's process (host view), waiting up to {@code wait} for lxc-attach to have started it. Empty when
     * it already ended or never started.
     */
    public Optional<ProcessHandle> command(Duration wait) throws InterruptedException {
        ProcessHandle c = command;
        if (c != null) {
            return c.isAlive() ? Optional.of(c) : Optional.empty();
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<ProcessHandle> found = helperHandle().flatMap(a -> a.children()
                    .filter(h -> containerPidNs.equals(pidNamespace(h.pid())))
                    .findFirst());
            if (found.isPresent()) {
                command = found.get();
                return found;
            }
            if (!attach.isAlive() || System.nanoTime() > deadline) {
                return Optional.empty();
            }
            Thread.sleep(2);
        }
    }

    /**
     * Sends {@code signal} to the command (not to lxc-attach). False when the command is not (or no longer)
     * running. SIGTERM and SIGKILL go through {@link ProcessHandle}, which checks the process start time against
     * pid reuse; other signals through kill(2) right after a liveness check.
     */
    public boolean signal(int signal) throws InterruptedException {
        Optional<ProcessHandle> c = command(Duration.ofSeconds(2));
        if (c.isEmpty()) {
            return false;
        }
        ProcessHandle h = c.get();
        if (signal == SIGKILL) {
            return h.destroyForcibly();
        }
        if (signal == SIGTERM) {
            return h.destroy();
        }
        if (!h.isAlive()) {
            return false;
        }
        try (Libc libc = new Libc()) {
            return libc.kill((int) h.pid(), signal) == 0;
        }
    }

    /** Kills the command (SIGKILL) and then lxc-attach; returns once lxc-attach has exited (at most ~2 s). */
    public void kill() throws InterruptedException {
        signal(SIGKILL);
        if (!attach.waitFor(1, TimeUnit.SECONDS)) {
            attach.destroyForcibly();
            attach.waitFor(1, TimeUnit.SECONDS);
        }
    }

    /** The helper's handle; empty when it has exited (a served exec's helper may be reaped already). */
    private Optional<ProcessHandle> helperHandle() {
        try {
            return Optional.of(attach.toHandle());
        } catch (UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** {@code /proc/PID/ns/pid} of a process ("pid:[4026531836]"), or "" when it is gone. */
    static String pidNamespace(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "pid")).toString();
        } catch (IOException e) {
            return "";
        }
    }
}
