package io.jlxd.daemon.instance.driver;

/** How {@link ContainerDriver#stop} ended. */
public enum StopResult {
    /** It was not running. */
    ALREADY_STOPPED,
    /** Init shut down after the halt signal, within the timeout. */
    CLEAN,
    /** Killed: force was asked, or the timeout passed after the halt signal. */
    KILLED
}
