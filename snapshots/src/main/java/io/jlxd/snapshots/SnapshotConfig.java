package io.jlxd.snapshots;

import java.util.Map;

/**
 * Validation of the {@code snapshots.*} instance keys whose syntax this module owns (the api schema lists them; the
 * daemon calls {@link #validate} next to the schema's validation). Messages name the key, like the schema's.
 */
public final class SnapshotConfig {
    public static final String SCHEDULE = "snapshots.schedule";
    public static final String SCHEDULE_STOPPED = "snapshots.schedule.stopped";
    public static final String PATTERN = "snapshots.pattern";
    public static final String EXPIRY = "snapshots.expiry";
    public static final String RETENTION = "snapshots.retention";

    private SnapshotConfig() {
    }

    /** Throws IllegalArgumentException ("Invalid value for "key": ...") on the first bad snapshots.* value. */
    public static void validate(Map<String, String> config) {
        if (config == null) {
            return;
        }
        check(config, SCHEDULE, v -> CronSchedule.parse(v));
        check(config, EXPIRY, v -> Expiry.parse(v));
        check(config, RETENTION, v -> Retention.parse(v));
        check(config, PATTERN, SnapshotPattern::validate);
    }

    private static void check(Map<String, String> config, String key, java.util.function.Consumer<String> parser) {
        String v = config.get(key);
        if (v == null || v.isEmpty()) {
            return;
        }
        try {
            parser.accept(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid value for \"" + key + "\": \"" + v + "\": " + e.getMessage(), e);
        }
    }
}
