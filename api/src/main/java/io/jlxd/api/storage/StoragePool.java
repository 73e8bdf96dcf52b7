package io.jlxd.api.storage;

import java.util.List;
import java.util.Map;

/** {@code GET /1.0/storage-pools/{pool}} (LXD's StoragePool). */
public record StoragePool(String name, String description, String driver, String status, Map<String, String> config,
                          List<String> usedBy, List<String> locations) {
}
