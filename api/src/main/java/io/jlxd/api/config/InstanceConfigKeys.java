package io.jlxd.api.config;

import java.util.List;
import java.util.Map;

/**
 * Instance (and profile) configuration keys. {@code volatile.*} keys belong to the daemon: they are stored with
 * the instance but a user cannot set them.
 */
public final class InstanceConfigKeys {
    public static final String VOLATILE_PREFIX = "volatile.";

    public static final ConfigSchema SCHEMA = new ConfigSchema("instance", List.of(
            new ConfigKey("limits.cpu", ValueType.CPU, "", "CPUs the instance may use: a count (2) or a set (0-1,3)"),
            new ConfigKey("limits.memory", ValueType.MEMORY, "", "Memory limit: a size (512MiB) or a percentage of the host's (50%)"),
            new ConfigKey("limits.processes", ValueType.INTEGER, "", "Maximum number of processes (pids.max)"),
            new ConfigKey("security.privileged", ValueType.BOOL, "false", "Run without a user namespace (container root is host root)"),
            new ConfigKey("security.nesting", ValueType.BOOL, "false", "Allow nested containers inside the instance"),
            new ConfigKey("boot.autostart", ValueType.BOOL, "", "Start the instance when the daemon starts (unset: if it was running)"),
            new ConfigKey("boot.autostart.delay", ValueType.INTEGER, "0", "Seconds to wait after starting this instance before starting the next"),
            new ConfigKey("boot.stop.priority", ValueType.INTEGER, "0", "Order of stopping at host shutdown (higher first)"),
            new ConfigKey("migration.stateful", ValueType.BOOL, "true",
                    "Keep the container checkpointable (stateful stop, stateful snapshots, live migration): it then has no console pty; set false for a console (takes effect at the next start)"),
            new ConfigKey("migration.downtime.max", ValueType.MILLISECONDS, "",
                    "Longest the instance may be out of service in a live move (400ms, 1.5s): the daemon moves it live (CRIU), near-live (file system copied while running, then a short stop and a start on the target) or refuses, by its estimate, before anything is frozen; unset: live as asked. The request's downtime_max wins"),
            new ConfigKey("snapshots.schedule", ValueType.STRING, "",
                    "When to snapshot: cron (minute hour day month weekday; lists, ranges, steps, jan-dec, sun-sat; a leading seconds field is a jlxd extension) or @hourly @daily @midnight @weekly @monthly @yearly @annually; several separated by \", \""),
            new ConfigKey("snapshots.schedule.stopped", ValueType.BOOL, "false", "Take scheduled snapshots of a stopped instance too"),
            new ConfigKey("snapshots.pattern", ValueType.STRING, "snap%d",
                    "Name of scheduled and unnamed snapshots: %d is the lowest free number; {{ creation_date|date:'2006-01-02_15-04-05' }} the creation time"),
            new ConfigKey("snapshots.expiry", ValueType.STRING, "",
                    "Lifetime of new snapshots, e.g. 2w or 1M 2H 3d 4w 5m 6y (M minutes, H hours, d days, w weeks, m months, y years); expired ones are deleted"),
            new ConfigKey("snapshots.retention", ValueType.STRING, "",
                    "Which scheduled snapshots to keep, e.g. hourly=24,daily=7,weekly=4 (rules last, hourly, daily, weekly, monthly, yearly; see docs/architecture.md); the others are deleted"),
            new ConfigKey("environment.*", ValueType.STRING, "", "Environment variable for init and exec"),
            new ConfigKey("raw.lxc", ValueType.RAW_LXC, "", "Extra LXC configuration lines (lxc.key = value)"),
            new ConfigKey("user.*", ValueType.STRING, "", "Free-form user key, stored and returned as is"),
            new ConfigKey("image.*", ValueType.STRING, "", "Property of the image the instance was created from (image.os, image.release...)")));

    private InstanceConfigKeys() {
    }

    /** Validates config written by a user: schema keys only, and no daemon-owned volatile keys. */
    public static void validateUser(Map<String, String> config) {
        if (config == null) {
            return;
        }
        for (String key : config.keySet()) {
            if (key.startsWith(VOLATILE_PREFIX)) {
                throw new ConfigException("Key \"" + key + "\" is owned by the daemon (volatile.*) and cannot be set");
            }
        }
        SCHEMA.validate(config);
    }
}
