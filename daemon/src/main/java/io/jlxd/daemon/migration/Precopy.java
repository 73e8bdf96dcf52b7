package io.jlxd.daemon.migration;

import io.jlxd.api.host.Tool;
import java.util.function.Supplier;

/**
 * Whether memory pre-copy (CRIU pre-dump rounds while the container runs) is possible: it needs the kernel's
 * soft-dirty tracking ({@code criu check --feature mem_dirty_track}), asked once per daemon. Without it a live move
 * goes straight to the final dump, and the operation says so ({@code precopy}).
 */
final class Precopy {
    static final String UNAVAILABLE = "unavailable (no soft-dirty)";
    private static volatile Boolean tracking;

    private Precopy() {
    }

    /** {@code precopy} in the operation's metadata: this daemon does no pre-dump rounds yet either way. */
    static String status() {
        return status(Precopy::tracking);
    }

    static String status(Supplier<Boolean> tracking) {
        return tracking.get() ? "not used (soft-dirty available; pre-dump rounds not implemented)" : UNAVAILABLE;
    }

    private static boolean tracking() {
        Boolean t = tracking;
        if (t == null) {
            t = Tool.output("criu", "check", "--feature", "mem_dirty_track").isPresent();
            tracking = t;
        }
        return t;
    }
}
