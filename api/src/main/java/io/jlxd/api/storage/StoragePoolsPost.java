package io.jlxd.api.storage;

import java.util.Map;

/** Body of {@code POST /1.0/storage-pools} and, without name and driver, of PUT/PATCH on a pool. */
public record StoragePoolsPost(String name, String driver, String description, Map<String, String> config) {
}
