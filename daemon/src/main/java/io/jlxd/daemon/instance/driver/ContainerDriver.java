package io.jlxd.daemon.instance.driver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Runs system containers: what the instances API calls. Names are LXC container names
 * ({@link ContainerSpec#name()}). Every method may block (start waits for RUNNING, stop for STOPPED); call them
 * from the operation's worker thread, not an event loop.
 *
 * <p>Operations on one container are serialized by the implementation; {@link #state} and {@link #initPid} never
 * wait for them.
 */
public interface ContainerDriver {
    /** Where the containers' directories live ({@code <lxcpath>/<name>/config}, {@code lxc.log}). */
    Path lxcPath();

    /**
     * Writes (or rewrites) the container's LXC config from {@code spec}. It takes effect at the next start; the
     * rootfs is not touched (shift it first for an unprivileged container, see {@link RootfsShifter}).
     */
    void define(ContainerSpec spec) throws DriverException;

    /** Whether the container has a config. */
    boolean exists(String name);

    /** Starts it and returns once it is RUNNING; the error carries liblxc's messages from lxc.log. */
    void start(String name) throws DriverException;

    /**
     * Stops it. {@code force}: kill at once. Otherwise send the halt signal ({@code lxc.signal.halt}; a frozen
     * container is thawed first), wait up to {@code timeout} for init to exit, then kill. Returns once the
     * container is STOPPED and its monitor has exited. A negative {@code timeout} waits without limit (the API
     * layer maps LXD's "-1" to its own bound).
     */
    StopResult stop(String name, boolean force, Duration timeout) throws DriverException;

    /** Freezes every task of the container (cgroup freezer). */
    void freeze(String name) throws DriverException;

    /** Thaws it. */
    void unfreeze(String name) throws DriverException;

    ContainerState state(String name) throws DriverException;

    /** Host pid of the container's init, empty when it is not running. */
    OptionalInt initPid(String name) throws DriverException;

    /** The state and, when active, the init pid (else -1), in one look-up (liblxc: one handle for both). */
    default StateAndPid stateAndPid(String name) throws DriverException {
        ContainerState s = state(name);
        return new StateAndPid(s, s.active() ? initPid(name).orElse(-1) : -1);
    }

    /** See {@link #stateAndPid}. */
    record StateAndPid(ContainerState state, int pid) {
    }

    /** Runs a command in the (RUNNING) container through lxc-attach; only fds 0-2 cross into the container. */
    ExecProcess exec(String name, ExecRequest request) throws DriverException;

    /** Runs a command whose stdin, stdout and stderr are the pty slave {@code tty} (interactive exec). */
    ExecProcess execOnTerminal(String name, ExecRequest request, java.nio.file.Path tty) throws DriverException;

    /**
     * The console of a RUNNING container started with {@link ContainerSpec#console()}: the ptx side of a pty the
     * monitor relays to the console ({@code console_getfd}, no fork). Close both descriptors when done; until then
     * nobody else gets the console.
     *
     * @throws DriverException INVALID_STATE when not running, INVALID_CONFIG when the container has no console or it is taken
     */
    ConsoleFds console(String name) throws DriverException;

    /** Descriptors of an attached console: {@code keepAlive} holds the allocation, {@code ptx} is the terminal. */
    record ConsoleFds(int keepAlive, int ptx) {
    }

    /**
     * Removes a stopped container's directory (config, logs) and the cgroups and lock file liblxc may have left.
     * The rootfs belongs to storage and is not touched.
     */
    void delete(String name) throws DriverException;

    /**
     * Checkpoints the RUNNING container with CRIU into {@code dir} (created if needed). {@code stop}: the container is
     * stopped by the dump (stateful stop, stateful snapshot of a container that is then stopped); otherwise it keeps
     * running afterwards. On failure the container keeps running and the error says what CRIU refused.
     */
    void checkpoint(String name, Path dir, boolean stop) throws DriverException;

    /** Restores the STOPPED container from a checkpoint written by {@link #checkpoint}; returns once it is RUNNING. */
    void restore(String name, Path dir) throws DriverException;
}
