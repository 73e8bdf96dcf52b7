package io.jlxd.api.instance;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** {@code GET /1.0/instances/{name}}: an instance with its local and expanded (profiles merged) config. */
public record Instance(
        String name,
        String type,
        String status,
        int statusCode,
        String architecture,
        Map<String, String> config,
        Map<String, Map<String, String>> devices,
        Map<String, String> expandedConfig,
        Map<String, Map<String, String>> expandedDevices,
        List<String> profiles,
        boolean ephemeral,
        boolean stateful,
        String description,
        OffsetDateTime createdAt,
        OffsetDateTime lastUsedAt,
        String location,
        String project) {
}
