package io.jlxd.api.instance;

import java.util.List;
import java.util.Map;

/** Body of {@code POST /1.0/instances}. */
public record InstancesPost(
        String name,
        String type,
        InstanceSource source,
        String architecture,
        Map<String, String> config,
        Map<String, Map<String, String>> devices,
        Boolean ephemeral,
        List<String> profiles,
        String description,
        Boolean start,
        String instanceType,
        Boolean stateful) {
}
