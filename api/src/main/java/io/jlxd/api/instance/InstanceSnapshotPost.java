package io.jlxd.api.instance;

/** Body of {@code POST /1.0/instances/{name}/snapshots/{snap}}: rename (migration fields come with live migration). */
public record InstanceSnapshotPost(String name, Boolean migration, String target, Boolean live) {
}
