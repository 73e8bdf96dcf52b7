package io.jlxd.storage.image;

/**
 * Progress of an upload or an unpack, in bytes of the (compressed) input consumed so far. Called from the
 * working thread, at most about once per MiB and once at the end; it must be cheap (throttle on the
 * receiving side, e.g. when updating an operation's metadata).
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> { };

    /**
     * @param done  bytes consumed so far
     * @param total bytes expected in all, or -1 when unknown (an upload without Content-Length)
     */
    void progress(long done, long total);

    /** Percentage 0-100, or -1 when the total is unknown. */
    static int percent(long done, long total) {
        if (total <= 0) {
            return -1;
        }
        return (int) Math.min(100, done * 100 / total);
    }
}
