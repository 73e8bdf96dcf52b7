package io.jlxd.api.instance;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /1.0/instances/{name}/snapshots/{snap}}: the instance's config, devices and profiles at the moment of the
 * snapshot. {@code expires_at} is LXD's zero time ({@link #NEVER}) when the snapshot does not expire; {@code size} is
 * -1 when the storage cannot tell cheaply.
 */
public record InstanceSnapshot(
        String name,
        OffsetDateTime createdAt,
        OffsetDateTime expiresAt,
        boolean stateful,
        long size,
        String architecture,
        Map<String, String> config,
        Map<String, Map<String, String>> devices,
        Map<String, String> expandedConfig,
        Map<String, Map<String, String>> expandedDevices,
        List<String> profiles,
        boolean ephemeral,
        OffsetDateTime lastUsedAt,
        String description) {
    /** LXD's "no expiry": 0001-01-01T00:00:00Z. */
    public static final OffsetDateTime NEVER = OffsetDateTime.parse("0001-01-01T00:00:00Z");
}
