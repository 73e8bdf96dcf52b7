package io.jlxd.api.storage;

/**
 * {@code GET /1.0/storage-pools/{pool}/volumes/{type}/{name}/state} (LXD's {@code storage_volume_state}): the bytes the
 * volume uses and its quota ({@code total}, -1 without one).
 */
public record StorageVolumeState(Usage usage) {
    public record Usage(long used, long total) {
    }
}
