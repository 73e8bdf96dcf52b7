package io.jlxd.daemon.storage;

import io.jlxd.api.config.StorageConfigKeys;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.instance.ImageProvider;
import io.jlxd.daemon.instance.RootfsStorage;
import io.jlxd.daemon.instance.SpecFactory;
import io.jlxd.daemon.instance.driver.IdMap;
import io.jlxd.daemon.security.HostPermissions;
import io.jlxd.storage.image.ImageUnpacker;
import io.jlxd.storage.image.ProgressListener;
import io.jlxd.storage.pool.PoolDriver;
import io.jlxd.storage.pool.VolumeType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Instance volumes on storage pools: the instance's pool is the {@code pool} of its expanded root disk; its volume is
 * recorded as a {@code container} volume of that pool. A new unprivileged instance (default id map) is a copy of the
 * pool's image volume, unpacked and id-shifted once per pool and image (like LXD's image volumes): a writable
 * snapshot on btrfs (O(1)), {@code cp -a --reflink=auto} on dir (no xz decompression per launch: a Debian image
 * takes ~3 s to decompress on this machine kind, its copy well under half of that).
 */
public final class PoolRootfsStorage implements RootfsStorage {
    private static final ImageUnpacker.IdShift DEFAULT_SHIFT = ImageUnpacker.IdShift.of(SpecFactory.IDMAP_BASE, SpecFactory.IDMAP_SIZE);
    private static final String CONTAINER = VolumeType.CONTAINER.apiName();

    private final StoragePools pools;
    private final InstanceDisks disks;
    private final Map<String, Object> imageLocks = new ConcurrentHashMap<>();

    public PoolRootfsStorage(StoragePools pools, InstanceDisks disks) {
        this.pools = pools;
        this.disks = disks;
    }

    private static String checked(String name) {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("invalid volume name: " + name);
        }
        return name;
    }

    /** The pool holding the instance's volume, else the pool its root disk names. */
    public String poolOf(String name) {
        return pools.volumes().poolOf(CONTAINER, name).orElseGet(() -> disks.rootPool(name).orElse(StoragePools.DEFAULT));
    }

    private PoolDriver driver(String name) {
        return pools.get(poolOf(name));
    }

    /**
     * Records container volumes of instances created before pools existed (dir layout under the default pool), so
     * that they count as the pool's volumes.
     */
    public void adoptLegacy(List<String> instances) {
        for (String name : instances) {
            if (pools.volumes().poolOf(CONTAINER, name).isEmpty()) {
                String pool = disks.rootPool(name).orElse(StoragePools.DEFAULT);
                pools.find(pool).filter(d -> Files.isDirectory(d.volumePath(VolumeType.CONTAINER, name))).ifPresent(d ->
                        pools.addVolume(pool, VolumeType.CONTAINER, name, "", Map.of()));
            }
        }
    }

    @Override
    public Path volume(String name) {
        return driver(checked(name)).volumePath(VolumeType.CONTAINER, name);
    }

    private void record(String pool, PoolDriver d, String name) throws IOException {
        try {
            HostPermissions.instanceVolume(d.volumePath(VolumeType.CONTAINER, name));
            pools.volumes().delete(pool, CONTAINER, name);
            pools.addVolume(pool, VolumeType.CONTAINER, name, "", Map.of());
        } catch (IOException | RuntimeException e) {
            d.deleteVolume(VolumeType.CONTAINER, name);
            throw e;
        }
    }

    @Override
    public void createEmpty(String name, long rootUid) throws IOException {
        String pool = poolOf(checked(name));
        PoolDriver d = pools.get(pool);
        d.createVolumeFrom(VolumeType.CONTAINER, name, t -> {
            Files.createDirectory(t, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path r = Files.createDirectory(t.resolve("rootfs"));
            Files.setPosixFilePermissions(r, PosixFilePermissions.fromString("rwxr-xr-x"));
            if (rootUid != 0) {
                Files.setAttribute(r, "unix:uid", (int) rootUid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(r, "unix:gid", (int) rootUid, LinkOption.NOFOLLOW_LINKS);
            }
        });
        record(pool, d, name);
    }

    @Override
    public void createFromImage(String name, ImageProvider images, String fingerprint, ImageUnpacker.IdShift shift,
                                ProgressListener progress, BooleanSupplier cancelled) throws IOException {
        String pool = poolOf(checked(name));
        PoolDriver d = pools.get(pool);
        if (DEFAULT_SHIFT.equals(shift)) {
            imageVolume(pool, d, images, fingerprint, progress, cancelled);
            d.copyVolume(VolumeType.IMAGE, fingerprint, null, VolumeType.CONTAINER, name);
        } else {
            d.createVolumeFrom(VolumeType.CONTAINER, name, t -> images.unpack(fingerprint, t, shift, progress, cancelled));
        }
        record(pool, d, name);
    }

    /** Unpacks the image once per pool into an image volume, shifted for the default id map. */
    private void imageVolume(String pool, PoolDriver d, ImageProvider images, String fingerprint, ProgressListener progress,
                             BooleanSupplier cancelled) throws IOException {
        synchronized (imageLocks.computeIfAbsent(pool + "/" + fingerprint, k -> new Object())) {
            boolean row = pools.volumes().get(pool, VolumeType.IMAGE.apiName(), fingerprint).isPresent();
            boolean files = Files.isDirectory(d.volumePath(VolumeType.IMAGE, fingerprint), LinkOption.NOFOLLOW_LINKS);
            if (row && files) {
                return;
            }
            if (files) {
                d.deleteVolume(VolumeType.IMAGE, fingerprint);
            }
            d.createVolumeFrom(VolumeType.IMAGE, fingerprint, t -> images.unpack(fingerprint, t, DEFAULT_SHIFT, progress, cancelled));
            if (!row) {
                try {
                    pools.addVolume(pool, VolumeType.IMAGE, fingerprint, "", Map.of());
                } catch (RuntimeException e) {
                    d.deleteVolume(VolumeType.IMAGE, fingerprint);
                    throw e;
                }
            }
        }
    }

    @Override
    public void delete(String name) throws IOException {
        String pool = poolOf(checked(name));
        if (!pools.exists(pool)) {
            return; // the root disk named a pool that does not exist: nothing was created
        }
        pools.get(pool).deleteVolume(VolumeType.CONTAINER, name);
        pools.volumes().delete(pool, CONTAINER, name);
    }

    @Override
    public void rename(String from, String to) throws IOException {
        String pool = poolOf(checked(from));
        checked(to);
        pools.get(pool).renameVolume(VolumeType.CONTAINER, from, to);
        if (!pools.volumes().rename(pool, CONTAINER, from, to)) {
            pools.get(pool).renameVolume(VolumeType.CONTAINER, to, from);
            throw new IOException("volume " + to + " exists already on pool " + pool);
        }
    }

    @Override
    public void settleRename(String from, String to, boolean forward) throws IOException {
        String src = forward ? from : to;
        String dst = forward ? to : from;
        String pool = pools.volumes().poolOf(CONTAINER, src).or(() -> pools.volumes().poolOf(CONTAINER, dst))
                .orElseGet(() -> disks.rootPool(dst).orElse(StoragePools.DEFAULT));
        PoolDriver d = pools.get(pool);
        Path vs = d.volumePath(VolumeType.CONTAINER, src);
        Path vd = d.volumePath(VolumeType.CONTAINER, dst);
        if (Files.exists(vs, LinkOption.NOFOLLOW_LINKS) && !Files.exists(vd, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(vs, vd, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        Path ss = d.root().resolve(VolumeType.CONTAINER.snapshotDir()).resolve(src);
        Path sd = d.root().resolve(VolumeType.CONTAINER.snapshotDir()).resolve(dst);
        if (Files.exists(ss, LinkOption.NOFOLLOW_LINKS) && !Files.exists(sd, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(ss, sd, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        if (pools.volumes().poolOf(CONTAINER, src).isPresent() && pools.volumes().poolOf(CONTAINER, dst).isEmpty()) {
            pools.volumes().rename(pool, CONTAINER, src, dst);
        }
    }

    @Override
    public Path snapshotVolume(String name, String snap) {
        return driver(checked(name)).snapshotPath(VolumeType.CONTAINER, name, checked(snap));
    }

    @Override
    public void createSnapshot(String name, String snap) throws IOException {
        driver(checked(name)).createSnapshot(VolumeType.CONTAINER, name, checked(snap));
    }

    @Override
    public void deleteSnapshot(String name, String snap) throws IOException {
        driver(checked(name)).deleteSnapshot(VolumeType.CONTAINER, name, checked(snap));
    }

    @Override
    public void renameSnapshot(String name, String from, String to) throws IOException {
        driver(checked(name)).renameSnapshot(VolumeType.CONTAINER, name, checked(from), checked(to));
    }

    @Override
    public void restoreSnapshot(String name, String snap) throws IOException {
        driver(checked(name)).restoreSnapshot(VolumeType.CONTAINER, name, checked(snap));
        HostPermissions.instanceVolume(volume(name));
    }

    /** Same pool: the driver's copy (a writable snapshot on btrfs); across pools: {@code cp -a} into the new volume. */
    @Override
    public void copy(String from, String fromSnap, String to) throws IOException {
        String srcPool = poolOf(checked(from));
        String dstPool = poolOf(checked(to));
        PoolDriver src = pools.get(srcPool);
        PoolDriver dst = pools.get(dstPool);
        if (srcPool.equals(dstPool)) {
            src.copyVolume(VolumeType.CONTAINER, from, fromSnap == null ? null : checked(fromSnap), VolumeType.CONTAINER, to);
        } else {
            Path s = fromSnap == null ? src.volumePath(VolumeType.CONTAINER, from) : src.snapshotPath(VolumeType.CONTAINER, from, checked(fromSnap));
            dst.createVolumeFrom(VolumeType.CONTAINER, to, t -> CopyTree.copy(s, t));
        }
        record(dstPool, dst, to);
    }

    /** Same pool only (O(1) on btrfs); a copy to another pool takes the instance alone ({@code instance_only}). */
    @Override
    public void copySnapshot(String from, String snap, String to) throws IOException {
        String srcPool = poolOf(checked(from));
        String dstPool = poolOf(checked(to));
        if (!srcPool.equals(dstPool)) {
            throw new IOException("snapshots cannot be copied from pool " + srcPool + " to pool " + dstPool
                    + ": copy the instance alone (instance_only)");
        }
        pools.get(srcPool).copySnapshot(VolumeType.CONTAINER, from, checked(snap), to);
    }

    @Override
    public long usage(String name) throws IOException {
        return driver(checked(name)).usage(VolumeType.CONTAINER, name);
    }

    // ------------------------------------------------------------------------------------------ disks

    @Override
    public void checkDisks(String name, Map<String, Map<String, String>> devices) {
        String root = InstanceDisks.rootPool(devices);
        if (!pools.exists(root)) {
            throw ApiException.badRequest("Storage pool \"" + root + "\" not found (root disk)");
        }
        if (!rootSize(devices).isEmpty() && !pools.get(root).supportsQuotas()) {
            throw ApiException.badRequest("The root disk's \"size\" needs a pool whose driver enforces quotas (btrfs); pool \""
                    + root + "\" is " + pools.get(root).name());
        }
        pools.volumes().poolOf(CONTAINER, name).ifPresent(cur -> {
            if (!cur.equals(root)) {
                throw ApiException.badRequest("The root disk's pool cannot change from \"" + cur + "\" to \"" + root
                        + "\" (moving an instance between pools is not supported)");
            }
        });
        for (Map.Entry<String, Map<String, String>> e : new TreeMap<>(devices).entrySet()) {
            Map<String, String> d = e.getValue();
            if (!InstanceDisks.isVolume(d)) {
                continue;
            }
            String pool = d.get("pool");
            String vol = d.get("source");
            String volKey = disks.volumeKey(name, vol);
            if (!pools.exists(pool)) {
                throw ApiException.badRequest("Device \"" + e.getKey() + "\": storage pool \"" + pool + "\" not found");
            }
            var row = pools.volumes().get(pool, VolumeType.CUSTOM.apiName(), volKey).orElseThrow(() -> ApiException.badRequest(
                    "Device \"" + e.getKey() + "\": custom volume \"" + vol + "\" not found on pool \"" + pool + "\""));
            boolean shared = "true".equals(row.config().get(StorageConfigKeys.SHARED));
            List<String> others = disks.attachedTo(pool, volKey, name).stream().map(io.jlxd.daemon.project.ProjectKeys::name).toList();
            if (!shared && !others.isEmpty()) {
                throw ApiException.badRequest("Device \"" + e.getKey() + "\": custom volume \"" + vol + "\" is already attached to "
                        + String.join(", ", others) + " (set security.shared=true on the volume to share it)");
            }
        }
    }

    private static String rootSize(Map<String, Map<String, String>> devices) {
        return devices.values().stream().filter(InstanceDisks::isRoot).findFirst()
                .map(d -> d.getOrDefault("size", "")).orElse("");
    }

    /** Applies the root disk's {@code size} as the volume's quota when it changed (recorded in the volume's config). */
    private void rootQuota(String name, Map<String, Map<String, String>> devices) throws IOException {
        String pool = poolOf(name);
        var row = pools.volumes().get(pool, CONTAINER, name).orElse(null);
        if (row == null) {
            return;
        }
        String want = rootSize(devices);
        if (want.equals(row.config().getOrDefault(StorageConfigKeys.SIZE, ""))) {
            return;
        }
        pools.get(pool).setQuota(VolumeType.CONTAINER, name, want.isEmpty() ? 0 : io.jlxd.api.config.Sizes.parseBytes(want));
        Map<String, String> config = new TreeMap<>(row.config());
        if (want.isEmpty()) {
            config.remove(StorageConfigKeys.SIZE);
        } else {
            config.put(StorageConfigKeys.SIZE, want);
        }
        pools.volumes().update(new io.jlxd.daemon.db.StorageVolumeTable.Row(pool, CONTAINER, name, row.description(),
                row.createdAt(), config));
    }

    @Override
    public List<String> diskMounts(String name, Map<String, Map<String, String>> devices, IdMap idmap) throws IOException {
        rootQuota(name, devices);
        HostPermissions.instanceVolume(volume(name));
        List<String> out = new ArrayList<>();
        for (Map<String, String> d : new TreeMap<>(devices).values()) {
            if (!InstanceDisks.isVolume(d)) {
                continue;
            }
            PoolDriver p = pools.get(d.get("pool"));
            Path vol = p.volumePath(VolumeType.CUSTOM, disks.volumeKey(name, d.get("source")));
            if (!Files.isDirectory(vol, LinkOption.NOFOLLOW_LINKS)) {
                throw ApiException.badRequest("Custom volume \"" + d.get("source") + "\" is missing on pool \"" + d.get("pool") + "\"");
            }
            if (idmap != null && ((Number) Files.getAttribute(vol, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue() == 0) {
                // a fresh volume: its root becomes the container's root, so that it can write there
                Files.setAttribute(vol, "unix:uid", (int) idmap.base(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(vol, "unix:gid", (int) idmap.base(), LinkOption.NOFOLLOW_LINKS);
                Files.setPosixFilePermissions(vol, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            boolean ro = d.getOrDefault("readonly", "false").matches("(?i)true|1|yes|on");
            String target = d.get("path").substring(1);
            out.add("lxc.mount.entry = " + vol + " " + target + " none bind,create=dir" + (ro ? ",ro" : "") + " 0 0");
        }
        out.addAll(HostPathDisks.mountEntries(devices));
        return out;
    }
}
