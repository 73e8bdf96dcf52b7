package io.jlxd.daemon.instance.driver;

/** liblxc's container states ({@code lxc_state_t}), as returned by {@code state()}. */
public enum ContainerState {
    STOPPED, STARTING, RUNNING, STOPPING, ABORTING, FREEZING, FROZEN, THAWED;

    /** Parses liblxc's state string. */
    public static ContainerState parse(String s) {
        try {
            return valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("unknown liblxc state: " + s, e);
        }
    }

    /** Init is alive (running, frozen or in between). */
    public boolean active() {
        return this != STOPPED;
    }
}
