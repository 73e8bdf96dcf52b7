package io.jlxd.daemon.ops;

import java.util.Map;

/** What running work may do with its operation: report progress, and see whether it was cancelled. */
public interface OperationContext {
    /** Merges keys into the operation's metadata (e.g. progress) and emits an operation event. */
    void updateMetadata(Map<String, Object> values);

    /** True once a cancel was requested; long work checks this between steps. */
    boolean isCancelled();

    /** Throws {@link java.util.concurrent.CancellationException} when a cancel was requested. */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new java.util.concurrent.CancellationException("operation cancelled");
        }
    }
}
