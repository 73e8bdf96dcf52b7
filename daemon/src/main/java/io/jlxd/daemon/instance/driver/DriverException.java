package io.jlxd.daemon.instance.driver;

/** A container operation that could not be done; {@link #kind()} tells the API layer which status to answer. */
public class DriverException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Kind {
        /** No such container (no config under the lxcpath): 404. */
        NOT_FOUND,
        /** The container is in the wrong state for the operation (e.g. start while running): 400/409. */
        INVALID_STATE,
        /** The description cannot be turned into a config on this host (e.g. a limit whose cgroup controller is missing): 400. */
        INVALID_CONFIG,
        /** The operation failed (liblxc, lxc-start, the system): 500; the message carries liblxc's errors. */
        FAILED
    }

    private final Kind kind;

    public DriverException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public DriverException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
