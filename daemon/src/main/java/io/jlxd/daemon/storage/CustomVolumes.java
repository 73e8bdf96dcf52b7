package io.jlxd.daemon.storage;

import io.jlxd.api.config.ConfigException;
import io.jlxd.api.config.Sizes;
import io.jlxd.api.config.StorageConfigKeys;
import io.jlxd.daemon.db.StorageVolumeTable;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.storage.pool.PoolDriver;
import io.jlxd.storage.pool.PoolNames;
import io.jlxd.storage.pool.VolumeType;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Custom volumes and their snapshots: files through the pool's driver, rows in the volume table, kept together. */
public final class CustomVolumes {
    private static final String CUSTOM = VolumeType.CUSTOM.apiName();
    private final StoragePools pools;
    private final InstanceDisks disks;
    private final java.util.function.Predicate<String> running;

    /** @param running whether an instance is running (or its state is unknown) */
    public CustomVolumes(StoragePools pools, InstanceDisks disks, java.util.function.Predicate<String> running) {
        this.pools = pools;
        this.disks = disks;
        this.running = running;
    }

    public static String volumeName(String name) {
        try {
            return PoolNames.volume(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    public static String snapshotName(String name) {
        try {
            return PoolNames.snapshot(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    public StorageVolumeTable.Row row(String pool, String name) {
        pools.table().get(pool).orElseThrow(() -> ApiException.notFound("Storage pool not found"));
        return pools.volumes().get(pool, CUSTOM, name).orElseThrow(() -> ApiException.notFound("Storage volume not found"));
    }

    /** Validates volume config for a pool's driver; returns the quota in bytes (0: none). */
    public static long validate(PoolDriver d, Map<String, String> config) {
        try {
            StorageConfigKeys.VOLUME.validate(config);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        String size = config.getOrDefault(StorageConfigKeys.SIZE, "");
        if (size.isEmpty()) {
            return 0;
        }
        if (!d.supportsQuotas()) {
            throw ApiException.badRequest("The " + d.name() + " storage driver does not support size quotas (\"size\"); use a btrfs pool");
        }
        long bytes = Sizes.parseBytes(size);
        if (bytes < 1 << 20) {
            throw ApiException.badRequest("\"size\" must be at least 1MiB");
        }
        return bytes;
    }

    /** Creates an empty volume, or a copy of {@code srcPool}/{@code srcName}[/{@code srcSnap}] when given. Reverted on failure. */
    public void create(String pool, String name, String description, Map<String, String> config,
                       String srcPool, String srcName, String srcSnap) throws IOException {
        PoolDriver d = pools.get(pool);
        Map<String, String> c = config == null ? new TreeMap<>() : new TreeMap<>(config);
        long quota = validate(d, c);
        if (pools.volumes().get(pool, CUSTOM, name).isPresent()) {
            throw ApiException.conflict("Storage volume \"" + name + "\" already exists");
        }
        if (srcName != null) {
            row(srcPool, srcName);
            if (srcSnap != null && pools.volumes().snapshots(srcPool, CUSTOM, srcName).stream().noneMatch(s -> s.name().equals(srcSnap))) {
                throw ApiException.notFound("Storage volume snapshot not found");
            }
            if (srcPool.equals(pool)) {
                d.copyVolume(VolumeType.CUSTOM, srcName, srcSnap, VolumeType.CUSTOM, name);
            } else {
                PoolDriver src = pools.get(srcPool);
                java.nio.file.Path from = srcSnap == null ? src.volumePath(VolumeType.CUSTOM, srcName)
                        : src.snapshotPath(VolumeType.CUSTOM, srcName, srcSnap);
                d.createVolumeFrom(VolumeType.CUSTOM, name, t -> CopyTree.copy(from, t));
            }
        } else {
            d.createVolume(VolumeType.CUSTOM, name);
        }
        try {
            if (srcName == null) {
                // the volume's root is the mounted directory in the container: the usual 0755 there (the daemon's
                // umask made it 0700); the pool's custom/ directory (0710) keeps other host users out
                java.nio.file.Files.setPosixFilePermissions(d.volumePath(VolumeType.CUSTOM, name),
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            if (quota > 0) {
                d.setQuota(VolumeType.CUSTOM, name, quota);
            }
            pools.addVolume(pool, VolumeType.CUSTOM, name, description, c);
        } catch (IOException | RuntimeException e) {
            d.deleteVolume(VolumeType.CUSTOM, name);
            throw e;
        }
    }

    /** Replaces description and config; applies a changed size quota first. */
    public void update(StorageVolumeTable.Row cur, String description, Map<String, String> config) throws IOException {
        PoolDriver d = pools.get(cur.pool());
        long quota = validate(d, config);
        if (!config.getOrDefault(StorageConfigKeys.SIZE, "").equals(cur.config().getOrDefault(StorageConfigKeys.SIZE, ""))) {
            d.setQuota(VolumeType.CUSTOM, cur.name(), quota);
        }
        if (!"true".equals(config.get(StorageConfigKeys.SHARED)) && "true".equals(cur.config().get(StorageConfigKeys.SHARED))
                && usedBy(cur.pool(), cur.name()).size() > 1) {
            throw ApiException.badRequest("The volume is attached to more than one instance: security.shared must stay true");
        }
        pools.volumes().update(new StorageVolumeTable.Row(cur.pool(), CUSTOM, cur.name(), description, cur.createdAt(), config));
    }

    public List<String> usedBy(String pool, String name) {
        return disks.attachedTo(pool, name, null);
    }

    public void delete(String pool, String name) throws IOException {
        row(pool, name);
        List<String> users = usedBy(pool, name);
        if (!users.isEmpty()) {
            throw ApiException.conflict("The storage volume is attached to " + String.join(", ", users));
        }
        pools.get(pool).deleteVolume(VolumeType.CUSTOM, name);
        pools.volumes().delete(pool, CUSTOM, name);
    }

    public void rename(String pool, String name, String to) throws IOException {
        row(pool, name);
        volumeName(to);
        if (!usedBy(pool, name).isEmpty()) {
            throw ApiException.conflict("The storage volume is attached to instances; detach it first");
        }
        if (pools.volumes().get(pool, CUSTOM, to).isPresent()) {
            throw ApiException.conflict("Storage volume \"" + to + "\" already exists");
        }
        PoolDriver d = pools.get(pool);
        d.renameVolume(VolumeType.CUSTOM, name, to);
        if (!pools.volumes().rename(pool, CUSTOM, name, to)) {
            d.renameVolume(VolumeType.CUSTOM, to, name);
            throw ApiException.conflict("Storage volume \"" + to + "\" already exists");
        }
    }

    // ------------------------------------------------------------------------------------------ snapshots

    public List<StorageVolumeTable.Snapshot> snapshots(String pool, String name) {
        row(pool, name);
        return pools.volumes().snapshots(pool, CUSTOM, name);
    }

    public StorageVolumeTable.Snapshot snapshot(String pool, String name, String snap) {
        return snapshots(pool, name).stream().filter(s -> s.name().equals(snap)).findFirst()
                .orElseThrow(() -> ApiException.notFound("Storage volume snapshot not found"));
    }

    /** The next free {@code snapN} name. */
    public String nextSnapshotName(String pool, String name) {
        List<String> taken = snapshots(pool, name).stream().map(StorageVolumeTable.Snapshot::name).toList();
        for (int i = 0; ; i++) {
            if (!taken.contains("snap" + i)) {
                return "snap" + i;
            }
        }
    }

    public void createSnapshot(String pool, String name, String snap, String description, OffsetDateTime expiresAt) throws IOException {
        row(pool, name);
        snapshotName(snap);
        if (pools.volumes().snapshots(pool, CUSTOM, name).stream().anyMatch(s -> s.name().equals(snap))) {
            throw ApiException.conflict("Snapshot \"" + snap + "\" already exists");
        }
        PoolDriver d = pools.get(pool);
        d.createSnapshot(VolumeType.CUSTOM, name, snap);
        try {
            if (!pools.volumes().createSnapshot(pool, CUSTOM, name, new StorageVolumeTable.Snapshot(snap,
                    description == null ? "" : description, OffsetDateTime.now(ZoneOffset.UTC), expiresAt))) {
                throw ApiException.conflict("Snapshot \"" + snap + "\" already exists");
            }
        } catch (RuntimeException e) {
            d.deleteSnapshot(VolumeType.CUSTOM, name, snap);
            throw e;
        }
    }

    public void deleteSnapshot(String pool, String name, String snap) throws IOException {
        snapshot(pool, name, snap);
        pools.volumes().deleteSnapshot(pool, CUSTOM, name, snap);
        pools.get(pool).deleteSnapshot(VolumeType.CUSTOM, name, snap);
    }

    public void renameSnapshot(String pool, String name, String snap, String to) throws IOException {
        StorageVolumeTable.Snapshot s = snapshot(pool, name, snap);
        snapshotName(to);
        if (pools.volumes().snapshots(pool, CUSTOM, name).stream().anyMatch(x -> x.name().equals(to))) {
            throw ApiException.conflict("Snapshot \"" + to + "\" already exists");
        }
        PoolDriver d = pools.get(pool);
        d.renameSnapshot(VolumeType.CUSTOM, name, snap, to);
        if (!pools.volumes().updateSnapshot(pool, CUSTOM, name, snap, new StorageVolumeTable.Snapshot(to, s.description(),
                s.createdAt(), s.expiresAt()))) {
            d.renameSnapshot(VolumeType.CUSTOM, name, to, snap);
            throw ApiException.conflict("Snapshot \"" + to + "\" already exists");
        }
    }

    public void updateSnapshot(String pool, String name, String snap, String description, OffsetDateTime expiresAt) {
        StorageVolumeTable.Snapshot s = snapshot(pool, name, snap);
        pools.volumes().updateSnapshot(pool, CUSTOM, name, snap, new StorageVolumeTable.Snapshot(snap,
                description == null ? "" : description, s.createdAt(), expiresAt));
    }

    /** Restores a snapshot into the volume (atomic in the driver); refused while running instances have it mounted. */
    public void restore(String pool, String name, String snap) throws IOException {
        snapshot(pool, name, snap);
        List<String> busy = usedBy(pool, name).stream().filter(running).toList();
        if (!busy.isEmpty()) {
            throw ApiException.conflict("The volume is mounted by running instances (" + String.join(", ", busy) + "); stop them first");
        }
        pools.get(pool).restoreSnapshot(VolumeType.CUSTOM, name, snap);
    }
}
