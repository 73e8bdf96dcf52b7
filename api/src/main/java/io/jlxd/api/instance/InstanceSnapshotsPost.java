package io.jlxd.api.instance;

import java.time.OffsetDateTime;

/**
 * Body of {@code POST /1.0/instances/{name}/snapshots}: {@code name} empty or absent → {@code snapshots.pattern};
 * {@code expires_at} absent → {@code snapshots.expiry} (or never); {@code stateful} → CRIU checkpoint kept with it.
 */
public record InstanceSnapshotsPost(String name, Boolean stateful, OffsetDateTime expiresAt) {
}
