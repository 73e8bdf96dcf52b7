package io.jlxd.api.instance;

import java.time.OffsetDateTime;

/** Body of {@code PUT/PATCH /1.0/instances/{name}/snapshots/{snap}}: only the expiry is writable (zero time: never). */
public record InstanceSnapshotPut(OffsetDateTime expiresAt) {
}
