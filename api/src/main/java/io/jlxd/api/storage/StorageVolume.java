package io.jlxd.api.storage;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** {@code GET /1.0/storage-pools/{pool}/volumes/{type}/{name}} (LXD's StorageVolume). */
public record StorageVolume(String name, String description, String type, String pool, String contentType,
                            Map<String, String> config, List<String> usedBy, String location, String project,
                            OffsetDateTime createdAt) {
}
