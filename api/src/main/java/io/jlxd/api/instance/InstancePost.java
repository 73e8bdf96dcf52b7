package io.jlxd.api.instance;

/** Body of {@code POST /1.0/instances/{name}}: rename (migration fields come with live migration). */
public record InstancePost(String name, Boolean migration, Boolean live, Boolean instanceOnly) {
}
