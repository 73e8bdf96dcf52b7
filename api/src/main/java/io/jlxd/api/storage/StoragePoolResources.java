package io.jlxd.api.storage;

/** {@code GET /1.0/storage-pools/{pool}/resources}: bytes used and total of the pool's file system. */
public record StoragePoolResources(Space space) {
    public record Space(long used, long total) {
    }
}
