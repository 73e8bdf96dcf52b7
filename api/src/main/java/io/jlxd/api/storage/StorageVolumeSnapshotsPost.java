package io.jlxd.api.storage;

import java.time.OffsetDateTime;

/** Create ({@code name} optional, {@code expires_at}) or rename ({@code name}) a volume snapshot. */
public record StorageVolumeSnapshotsPost(String name, String description, OffsetDateTime expiresAt) {
}
