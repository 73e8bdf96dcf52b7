package io.jlxd.api.instance;

import java.util.List;
import java.util.Map;

/**
 * The writable part of an instance ({@code PUT}/{@code PATCH /1.0/instances/{name}}). {@code restore} names a
 * snapshot to restore instead of an update, as LXD does.
 */
public record InstancePut(
        String architecture,
        Map<String, String> config,
        Map<String, Map<String, String>> devices,
        Boolean ephemeral,
        List<String> profiles,
        String description,
        String restore,
        Boolean stateful) {
}
