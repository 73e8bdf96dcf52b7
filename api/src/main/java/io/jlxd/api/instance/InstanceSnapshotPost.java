package io.jlxd.api.instance;

/**
 * Body of {@code POST /1.0/instances/{name}/snapshots/{snap}}: rename ({@code name}), or with {@code migration: true}
 * send the snapshot to another daemon as a new instance ({@code target}: LXD's {@code InstancePostTarget} for push).
 */
public record InstanceSnapshotPost(String name, Boolean migration, Object target, Boolean live) {
}
