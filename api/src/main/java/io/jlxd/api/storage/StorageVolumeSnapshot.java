package io.jlxd.api.storage;

import java.time.OffsetDateTime;
import java.util.Map;

/** A custom volume's snapshot ({@code .../volumes/custom/{name}/snapshots/{snap}}). */
public record StorageVolumeSnapshot(String name, String description, String contentType, Map<String, String> config,
                                    OffsetDateTime createdAt, OffsetDateTime expiresAt) {
}
