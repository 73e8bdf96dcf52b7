package io.jlxd.api.storage;

import java.util.Map;

/**
 * Body of {@code POST /1.0/storage-pools/{pool}/volumes/custom} (name, config, a copy source) and, with only
 * description/config/restore, of PUT/PATCH on a volume; POST on a volume renames it (name).
 */
public record StorageVolumesPost(String name, String type, String contentType, String description,
                                 Map<String, String> config, Source source, String restore) {
    /** {@code {"type": "copy", "pool": "...", "name": "vol" or "vol/snap"}}. */
    public record Source(String type, String pool, String name) {
    }
}
