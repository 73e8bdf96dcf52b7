package io.jlxd.daemon.storage;

import io.jlxd.api.config.ConfigException;
import io.jlxd.api.config.Sizes;
import io.jlxd.api.config.StorageConfigKeys;
import io.jlxd.daemon.db.StoragePoolTable;
import io.jlxd.daemon.db.StorageVolumeTable;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.storage.StorageDrivers;
import io.jlxd.storage.pool.BtrfsDriver;
import io.jlxd.storage.pool.DirDriver;
import io.jlxd.storage.pool.PoolDriver;
import io.jlxd.storage.pool.PoolNames;
import io.jlxd.storage.pool.VolumeType;
import java.io.IOException;
import java.nio.file.Files;
import io.jlxd.daemon.security.HostPermissions;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The storage pools of the daemon: their rows, and one {@link PoolDriver} per pool, mounted at start. The first start
 * creates the {@code default} pool (dir unless the daemon was started with {@code --storage-driver btrfs}).
 */
public final class StoragePools {
    private static final Logger LOG = Logger.getLogger(StoragePools.class.getName());
    public static final String DEFAULT = "default";

    /** Daemon start options for the default pool. */
    public record Defaults(String driver, String size) {
        public static final Defaults DIR = new Defaults(StorageDrivers.DIR, null);
    }

    private final Path dataDir;
    private final StoragePoolTable pools;
    private final StorageVolumeTable volumes;
    private final Map<String, PoolDriver> drivers = new ConcurrentHashMap<>();

    private StoragePools(Path dataDir, StoragePoolTable pools, StorageVolumeTable volumes) {
        this.dataDir = dataDir;
        this.pools = pools;
        this.volumes = volumes;
    }

    /** Mounts every pool (a pool that cannot be mounted is logged and left out), creating the default pool first. */
    public static StoragePools open(Path dataDir, StoragePoolTable pools, StorageVolumeTable volumes, Defaults defaults)
            throws IOException {
        return open(dataDir, pools, volumes, defaults, io.jlxd.daemon.warnings.Warnings.logOnly());
    }

    /** The same; a pool that cannot be mounted is a warning ({@code /1.0/warnings}) and stays unavailable (500). */
    public static StoragePools open(Path dataDir, StoragePoolTable pools, StorageVolumeTable volumes, Defaults defaults,
                                    io.jlxd.daemon.warnings.Warnings warnings) throws IOException {
        StoragePools s = new StoragePools(dataDir, pools, volumes);
        if (pools.names().isEmpty()) {
            Defaults d = defaults == null ? Defaults.DIR : defaults;
            Path legacy = dataDir.resolve("storage-pools").resolve(DEFAULT).resolve("containers");
            boolean hasLegacy = Files.isDirectory(legacy) && !isEmpty(legacy);
            if (hasLegacy && !d.driver().equals(StorageDrivers.DIR)) {
                LOG.warning("existing instances in the dir layout: the default pool stays a dir pool");
                d = Defaults.DIR;
            }
            Map<String, String> config = new TreeMap<>();
            if (d.size() != null && !d.size().isEmpty()) {
                config.put(StorageConfigKeys.SIZE, d.size());
            }
            s.create(DEFAULT, d.driver(), "Default storage pool", config);
        }
        for (String name : pools.names()) {
            try {
                PoolDriver d = s.driver(pools.get(name).orElseThrow());
                d.mount();
                HostPermissions.pool(d.root());
                s.drivers.put(name, d);
                s.reconcile(name, d);
            } catch (IOException | RuntimeException e) {
                warnings.record("Storage pool not mounted", io.jlxd.daemon.warnings.Warnings.Severity.HIGH,
                        "/1.0/storage-pools/" + name, "the pool could not be mounted at start; it is unavailable until the"
                                + " next start: " + e.getMessage());
            }
        }
        return s;
    }

    /**
     * After a crash between a driver step and its row (or the reverse): custom and image volumes, and custom volume
     * snapshots, whose files have no row are removed; rows of custom volumes and snapshots without files are removed.
     */
    private void reconcile(String pool, PoolDriver d) throws IOException {
        for (VolumeType t : new VolumeType[] {VolumeType.CUSTOM, VolumeType.IMAGE}) {
            java.util.Set<String> rows = new java.util.HashSet<>();
            for (StorageVolumeTable.Row r : volumes.list(pool, t.apiName())) {
                if (Files.isDirectory(d.volumePath(t, r.name()))) {
                    rows.add(r.name());
                } else if (t == VolumeType.CUSTOM) {
                    LOG.warning("custom volume " + pool + "/" + r.name() + " has no files; removing its row");
                    volumes.delete(pool, t.apiName(), r.name());
                } else {
                    volumes.delete(pool, t.apiName(), r.name()); // unpacked again when needed
                }
            }
            for (String n : listVisible(d.root().resolve(t.dir()))) {
                if (!rows.contains(n)) {
                    LOG.warning(t.apiName() + " volume " + pool + "/" + n + " has no row (interrupted operation); removing it");
                    d.deleteVolume(t, n);
                }
            }
        }
        for (String vol : listVisible(d.root().resolve(VolumeType.CUSTOM.snapshotDir()))) {
            java.util.Set<String> snaps = new java.util.HashSet<>();
            volumes.snapshots(pool, VolumeType.CUSTOM.apiName(), vol).forEach(sn -> snaps.add(sn.name()));
            for (String sn : listVisible(d.root().resolve(VolumeType.CUSTOM.snapshotDir()).resolve(vol))) {
                if (!snaps.contains(sn)) {
                    LOG.warning("snapshot " + pool + "/" + vol + "/" + sn + " has no row; removing it");
                    d.deleteSnapshot(VolumeType.CUSTOM, vol, sn);
                }
            }
        }
        for (StorageVolumeTable.Row r : volumes.list(pool, VolumeType.CUSTOM.apiName())) {
            for (StorageVolumeTable.Snapshot sn : volumes.snapshots(pool, r.type(), r.name())) {
                if (!Files.isDirectory(d.snapshotPath(VolumeType.CUSTOM, r.name(), sn.name()))) {
                    LOG.warning("snapshot " + pool + "/" + r.name() + "/" + sn.name() + " has no files; removing its row");
                    volumes.deleteSnapshot(pool, r.type(), r.name(), sn.name());
                }
            }
        }
    }

    private static java.util.List<String> listVisible(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return java.util.List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    public StoragePoolTable table() {
        return pools;
    }

    public StorageVolumeTable volumes() {
        return volumes;
    }

    public boolean exists(String pool) {
        return pools.get(pool).isPresent();
    }

    /** The mounted driver of a pool; 404 when there is no such pool, 503-like 500 when it failed to mount. */
    public PoolDriver get(String pool) {
        StoragePoolTable.Row r = pools.get(pool).orElseThrow(() -> ApiException.notFound("Storage pool not found"));
        PoolDriver d = drivers.get(r.name());
        if (d == null) {
            throw new ApiException(500, "Storage pool \"" + pool + "\" is not available (it failed to mount; see the daemon log)");
        }
        return d;
    }

    public Optional<PoolDriver> find(String pool) {
        return Optional.ofNullable(drivers.get(pool));
    }

    private PoolDriver driver(StoragePoolTable.Row r) {
        Path root = dataDir.resolve("storage-pools").resolve(r.name());
        return switch (r.driver()) {
            case StorageDrivers.DIR -> new DirDriver(root);
            case StorageDrivers.BTRFS -> {
                String source = r.config().getOrDefault(StorageConfigKeys.SOURCE, "");
                String size = r.config().getOrDefault(StorageConfigKeys.SIZE, "");
                yield new BtrfsDriver(root, source.isEmpty() ? null : Path.of(source),
                        dataDir.resolve("disks").resolve(r.name() + ".img"), size.isEmpty() ? 0 : Sizes.parseBytes(size));
            }
            default -> throw new IllegalStateException("unknown storage driver " + r.driver());
        };
    }

    /** Validates, creates the storage, then the row; the storage is removed again when anything fails. */
    public synchronized StoragePoolTable.Row create(String name, String driver, String description, Map<String, String> config)
            throws IOException {
        try {
            PoolNames.pool(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (driver == null || driver.isEmpty()) {
            throw ApiException.badRequest("A storage driver is required (dir or btrfs)");
        }
        if (StorageDrivers.probe().stream().noneMatch(d -> d.name().equals(driver))) {
            throw ApiException.badRequest("Unsupported storage driver \"" + driver + "\" (supported here: "
                    + String.join(", ", StorageDrivers.probe().stream().map(d -> d.name()).toList()) + ")");
        }
        Map<String, String> c = config == null ? new TreeMap<>() : new TreeMap<>(config);
        validate(driver, c, null);
        if (driver.equals(StorageDrivers.BTRFS) && c.getOrDefault(StorageConfigKeys.SOURCE, "").isEmpty()
                && c.getOrDefault(StorageConfigKeys.SIZE, "").isEmpty()) {
            Path disks = dataDir.resolve("disks");
            Files.createDirectories(disks);
            c.put(StorageConfigKeys.SIZE, (BtrfsDriver.defaultSize(disks) >> 30) + "GiB");
        }
        if (pools.get(name).isPresent()) {
            throw ApiException.conflict("Storage pool \"" + name + "\" already exists");
        }
        StoragePoolTable.Row row = new StoragePoolTable.Row(name, driver, description == null ? "" : description, c);
        PoolDriver d = driver(row);
        if (Files.exists(d.root()) && !isEmpty(d.root()) && !name.equals(DEFAULT)) {
            throw ApiException.badRequest("The pool's directory " + d.root() + " exists and is not empty");
        }
        boolean existed = Files.exists(d.root());
        try {
            d.create();
            HostPermissions.pool(d.root());
        } catch (IOException | RuntimeException e) {
            if (!existed && Files.isDirectory(d.root()) && isEmpty(d.root())) {
                Files.delete(d.root());
            }
            if (e instanceof IllegalArgumentException) {
                throw ApiException.badRequest(e.getMessage());
            }
            throw e;
        }
        try {
            if (!pools.create(row)) {
                throw ApiException.conflict("Storage pool \"" + name + "\" already exists");
            }
        } catch (RuntimeException e) {
            d.delete();
            throw e;
        }
        drivers.put(name, d);
        return row;
    }

    /** Checks pool config keys; {@code current} is the existing config for an update (source and size are fixed). */
    public static void validate(String driver, Map<String, String> config, Map<String, String> current) {
        try {
            StorageConfigKeys.POOL.validate(config);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        for (String fixed : new String[] {StorageConfigKeys.SOURCE, StorageConfigKeys.SIZE}) {
            String v = config.getOrDefault(fixed, "");
            if (current != null) {
                if (!v.equals(current.getOrDefault(fixed, ""))) {
                    throw ApiException.badRequest("\"" + fixed + "\" cannot be changed after the pool is created");
                }
            } else if (!v.isEmpty() && driver.equals(StorageDrivers.DIR)) {
                throw ApiException.badRequest("The dir driver does not take \"" + fixed + "\" (dir pools live under the data directory)");
            }
        }
        String source = config.getOrDefault(StorageConfigKeys.SOURCE, "");
        if (current == null && !source.isEmpty()) {
            Path p = Path.of(source);
            if (!p.isAbsolute() || !p.normalize().equals(p) || source.contains("..")) {
                throw ApiException.badRequest("\"source\" must be an absolute path without \"..\"");
            }
            if (!config.getOrDefault(StorageConfigKeys.SIZE, "").isEmpty()) {
                throw ApiException.badRequest("\"size\" only applies to loop-file pools (without \"source\")");
            }
        }
        String size = config.getOrDefault(StorageConfigKeys.SIZE, "");
        if (current == null && !size.isEmpty() && Sizes.parseBytes(size) < BtrfsDriver.MIN_SIZE) {
            throw ApiException.badRequest("\"size\" must be at least 256MiB");
        }
    }

    /**
     * Deletes a pool that has no instance or custom volumes (409 otherwise): its cached image volumes first (as LXD;
     * they are unpacked again on demand), then the row, then the storage.
     */
    public synchronized void delete(String name) throws IOException {
        PoolDriver d = get(name);
        StoragePoolTable.Row row = pools.get(name).orElseThrow();
        boolean onlyImages = volumes.list(name, null).stream().allMatch(v -> v.type().equals(VolumeType.IMAGE.apiName()));
        if (onlyImages) {
            for (StorageVolumeTable.Row v : volumes.list(name, VolumeType.IMAGE.apiName())) {
                d.deleteVolume(VolumeType.IMAGE, v.name());
                volumes.delete(name, v.type(), v.name());
            }
        }
        if (!pools.delete(name)) {
            throw ApiException.conflict("The storage pool is currently in use (it still has volumes)");
        }
        drivers.remove(name);
        try {
            d.delete();
        } catch (IOException | RuntimeException e) {
            // revert: the pool stays as it was (its storage may be busy, e.g. a shell inside the mount point)
            pools.create(row);
            drivers.put(name, d);
            d.mount();
            throw e;
        }
    }

    /** Records a volume row (container, image or custom). */
    public void addVolume(String pool, VolumeType type, String name, String description, Map<String, String> config) {
        volumes.create(new StorageVolumeTable.Row(pool, type.apiName(), name, description == null ? "" : description,
                OffsetDateTime.now(ZoneOffset.UTC), config == null ? Map.of() : config));
    }

    /** Removes the image volumes of an image from every pool (the image was deleted). */
    public void deleteImageVolumes(String fingerprint) {
        for (String pool : pools.names()) {
            if (volumes.get(pool, VolumeType.IMAGE.apiName(), fingerprint).isPresent()) {
                try {
                    get(pool).deleteVolume(VolumeType.IMAGE, fingerprint);
                    volumes.delete(pool, VolumeType.IMAGE.apiName(), fingerprint);
                } catch (IOException | RuntimeException e) {
                    LOG.warning("image volume " + fingerprint + " on pool " + pool + " not removed: " + e.getMessage());
                }
            }
        }
    }
}
