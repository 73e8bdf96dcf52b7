package io.jlxd.api.storage;

import java.util.Map;

/**
 * Body of {@code POST /1.0/storage-pools/{pool}/volumes/custom} (name, config, a copy source) and, with only
 * description/config/restore, of PUT/PATCH on a volume; POST on a volume renames it (name).
 */
public record StorageVolumesPost(String name, String type, String contentType, String description,
                                 Map<String, String> config, Source source, String restore,
                                 Boolean migration, Object target, Boolean volumeOnly, String project, String pool) {
    /**
     * {@code {"type": "copy", "pool": "...", "name": "vol" or "vol/snap"}}. The other fields are LXD's (its Go
     * clients send them, zero-valued, with every request): only their zero values are accepted.
     */
    public record Source(String type, String pool, String name, String certificate, String operation, String mode,
                         Map<String, String> secrets, Boolean volumeOnly, Boolean refresh, String project,
                         String location) {
        /** Nothing set: what LXD's clients send for "no source". */
        public boolean isEmpty() {
            return blank(type) && blank(pool) && blank(name) && blank(certificate) && blank(operation) && blank(mode)
                    && (secrets == null || secrets.isEmpty()) && !Boolean.TRUE.equals(volumeOnly)
                    && !Boolean.TRUE.equals(refresh) && blank(project) && blank(location);
        }

        /** The first field set whose feature jlxd does not have, or null. */
        public String unsupported() {
            return !blank(certificate) ? "certificate" : !blank(operation) ? "operation" : !blank(mode) ? "mode"
                    : secrets != null && !secrets.isEmpty() ? "secrets" : Boolean.TRUE.equals(refresh) ? "refresh"
                    : !blank(project) && !project.equals("default") ? "project" : !blank(location) && !location.equals("none") ? "location" : null;
        }
    }

    /** The first rename/move field set whose feature jlxd does not have (migration, target, project, pool), or null. */
    public String unsupportedMove(String currentPool) {
        return Boolean.TRUE.equals(migration) ? "migration" : target != null ? "target"
                : !blank(project) && !project.equals("default") ? "project"
                : !blank(pool) && !pool.equals(currentPool) ? "pool" : null;
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }
}
