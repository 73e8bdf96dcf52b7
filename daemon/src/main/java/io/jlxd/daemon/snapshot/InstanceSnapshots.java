package io.jlxd.daemon.snapshot;

import io.jlxd.api.instance.InstanceSnapshot;
import io.jlxd.api.instance.Names;
import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.ProfileTable;
import io.jlxd.daemon.db.SnapshotTable;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.instance.Expand;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.RootfsStorage;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.DriverException;
import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.daemon.util.Reverter;
import io.jlxd.snapshots.Expiry;
import io.jlxd.snapshots.SnapshotConfig;
import io.jlxd.snapshots.SnapshotPattern;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Instance snapshots: create (plain or stateful), list, show, expiry, rename, delete. Restores are in
 * {@link SnapshotRestore}, copies in {@link InstanceCopies}, the scheduler in {@link SnapshotScheduler}.
 *
 * <p>Order of every change, for crash safety: the volume first (atomic in the storage), then the row; deletion the
 * other way round. {@link SnapshotRecovery} reconciles rows and volumes at start.
 */
public final class InstanceSnapshots {
    private static final Logger LOG = Logger.getLogger(InstanceSnapshots.class.getName());

    final InstanceManager instances;
    final SnapshotTable table;
    final Operations operations;
    final EventBus events;
    final Clock clock;

    public InstanceSnapshots(InstanceManager instances, SnapshotTable table, Operations operations, EventBus events, Clock clock) {
        this.instances = instances;
        this.table = table;
        this.operations = operations;
        this.events = events;
        this.clock = clock;
    }

    public static String url(String instance, String snap) {
        return io.jlxd.daemon.project.ProjectKeys.instanceUrl(instance, "/snapshots/" + snap);
    }

    RootfsStorage storage() {
        return instances.storage();
    }

    // ------------------------------------------------------------------ reads

    public List<SnapshotTable.Row> list(String instance) {
        instances.row(instance);
        return table.list(instance);
    }

    public SnapshotTable.Row row(String instance, String snap) {
        instances.row(instance);
        return table.get(instance, snap).orElseThrow(() -> ApiException.notFound("Snapshot not found"));
    }

    public InstanceSnapshot view(SnapshotTable.Row r) {
        List<ProfileTable.Row> prof = new ArrayList<>();
        for (String p : r.profiles()) {
            try {
                prof.addAll(instances.profileRows(List.of(p)));
            } catch (ApiException e) {
                // a profile deleted since the snapshot: shown in profiles, not expanded
            }
        }
        return new InstanceSnapshot(r.name(), r.createdAt(), r.expiresAt() == null ? InstanceSnapshot.NEVER : r.expiresAt(),
                r.stateful(), -1, r.architecture(), r.config(), r.devices(), Expand.config(prof, r.config()),
                Expand.devices(prof, r.devices()), instances.profileNames(r.profiles()), r.ephemeral(), r.createdAt(), r.description());
    }

    public static String etag(SnapshotTable.Row r) {
        return io.jlxd.daemon.http.Etag.of(r.expiresAt() == null ? "" : r.expiresAt().toString());
    }

    // ------------------------------------------------------------------ create

    /** {@code POST .../snapshots}: checks the request, then snapshots in an operation. */
    public Op create(String instance, String name, boolean stateful, OffsetDateTime expiresAt, EventBus.Requestor who) {
        instances.row(instance);
        instances.checkSnapshotAllowed(instance);
        if (name != null && !name.isEmpty()) {
            validName(name);
            if (table.get(instance, name).isPresent()) {
                throw ApiException.conflict("Snapshot \"" + name + "\" already exists");
            }
        }
        if (stateful) {
            requireRunning(instance, "A stateful snapshot needs a running instance");
        }
        Map<String, List<String>> res = new LinkedHashMap<>();
        res.put("instances", List.of(InstanceManager.url(instance)));
        return operations.startTask(Operations.Spec.task("Snapshotting instance", res), ctx -> instances.withLock(instance, () -> {
            SnapshotTable.Row r = take(instance, name, stateful, expiresAt, false, null);
            events.lifecycle("instance-snapshot-created", url(instance, r.name()), null, who);
            return Map.of("name", r.name());
        }));
    }

    /**
     * Takes a snapshot now; the caller holds the instance's lock. {@code name} null or empty → snapshots.pattern;
     * {@code expiresAt} null → snapshots.expiry. {@code slot} (scheduled snapshots) is recorded with the row.
     */
    SnapshotTable.Row take(String instance, String name, boolean stateful, OffsetDateTime expiresAt, boolean scheduled,
                           OffsetDateTime slot) throws IOException, DriverException {
        InstanceTable.Row inst = instances.row(instance);
        Map<String, String> expanded = Expand.config(instances.profileRows(inst.profiles()), inst.config());
        ZonedDateTime now = ZonedDateTime.now(clock);
        Set<String> existing = new HashSet<>();
        table.list(instance).forEach(s -> existing.add(s.name()));
        String snap = name == null || name.isEmpty()
                ? validName(SnapshotPattern.next(expanded.get(SnapshotConfig.PATTERN), now, existing)) : name;
        if (existing.contains(snap)) {
            throw ApiException.conflict("Snapshot \"" + snap + "\" already exists");
        }
        OffsetDateTime expires = expiresAt;
        if (expires == null) {
            String e = expanded.getOrDefault(SnapshotConfig.EXPIRY, "");
            expires = e.isEmpty() ? null : Expiry.parse(e).from(now).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
        } else if (expires.equals(InstanceSnapshot.NEVER)) {
            expires = null;
        }
        if (stateful) {
            checkpointAndSnapshot(instance, snap);
        } else {
            frozenSnapshot(instance, snap);
        }
        Map<String, String> config = new TreeMap<>(inst.config());
        config.putAll(inst.volatileConfig());
        SnapshotTable.Row r = new SnapshotTable.Row(instance, snap, now.toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC),
                expires, stateful, scheduled, inst.architecture(), inst.ephemeral(), "", config, inst.devices(), inst.profiles());
        boolean stored = false;
        try {
            stored = table.create(r, slot);
        } finally {
            if (!stored) {
                storage().deleteSnapshot(instance, snap);
            }
        }
        if (!stored) {
            throw ApiException.conflict("Snapshot \"" + snap + "\" already exists");
        }
        return r;
    }

    /** A running container is frozen while its file system is copied, so that the copy is one moment's. */
    private void frozenSnapshot(String instance, String snap) throws IOException {
        try (Reverter r = new Reverter()) {
            try (Frozen f = Frozen.ifRunning(instances, instance)) {
                storage().createSnapshot(instance, snap);
                r.add("delete the snapshot volume " + instance + "/" + snap, () -> storage().deleteSnapshot(instance, snap));
            } // an unfreeze that fails throws here: the snapshot is undone and the operation fails with the reason
            r.success();
        }
    }

    /** CRIU dumps the running container into {@code <volume>/state} (it keeps running), the volume is snapshotted with it. */
    private void checkpointAndSnapshot(String instance, String snap) throws IOException, DriverException {
        requireRunning(instance, "A stateful snapshot needs a running instance");
        Path state = stateDir(instance);
        removeState(instance);
        try {
            instances.driver().checkpoint(instance, state, false);
            storage().createSnapshot(instance, snap);
        } finally {
            removeState(instance);
        }
    }

    Path stateDir(String instance) {
        return storage().volume(instance).resolve("state");
    }

    void removeState(String instance) throws IOException {
        Path state = stateDir(instance);
        if (Files.exists(state, LinkOption.NOFOLLOW_LINKS)) {
            io.jlxd.storage.image.ImageUnpacker.removeTree(state);
        }
    }

    // ------------------------------------------------------------------ update, rename, delete

    /** PUT/PATCH: the expiry ({@code null} or the zero time: never). */
    public Op setExpiry(String instance, String snap, OffsetDateTime expiresAt, EventBus.Requestor who) {
        row(instance, snap);
        OffsetDateTime e = expiresAt == null || expiresAt.equals(InstanceSnapshot.NEVER) ? null : expiresAt;
        return operations.startTask(Operations.Spec.task("Updating snapshot", resources(instance, snap)), ctx -> instances.withLock(instance, () -> {
            row(instance, snap);
            table.setExpiry(instance, snap, e);
            events.lifecycle("instance-snapshot-updated", url(instance, snap), null, who);
            return null;
        }));
    }

    public Op rename(String instance, String snap, String newName, EventBus.Requestor who) {
        row(instance, snap);
        validName(newName);
        if (table.get(instance, newName).isPresent()) {
            throw ApiException.conflict("Snapshot \"" + newName + "\" already exists");
        }
        return operations.startTask(Operations.Spec.task("Renaming snapshot", resources(instance, snap)), ctx -> instances.withLock(instance, () -> {
            row(instance, snap);
            storage().renameSnapshot(instance, snap, newName);
            boolean done = false;
            try {
                done = table.rename(instance, snap, newName);
            } finally {
                if (!done) {
                    storage().renameSnapshot(instance, newName, snap);
                }
            }
            if (!done) {
                throw ApiException.conflict("Snapshot \"" + newName + "\" already exists");
            }
            events.lifecycle("instance-snapshot-renamed", url(instance, newName), Map.of("old_name", snap), who);
            return null;
        }));
    }

    public Op delete(String instance, String snap, EventBus.Requestor who) {
        row(instance, snap);
        return operations.startTask(Operations.Spec.task("Deleting snapshot", resources(instance, snap)), ctx -> instances.withLock(instance, () -> {
            row(instance, snap);
            remove(instance, snap);
            events.lifecycle("instance-snapshot-deleted", url(instance, snap), null, who);
            return null;
        }));
    }

    /** Row first, then volume: a crash between leaves a volume without row, which the next start removes. */
    void remove(String instance, String snap) throws IOException {
        table.delete(instance, snap);
        storage().deleteSnapshot(instance, snap);
    }

    // ------------------------------------------------------------------ helpers

    void requireRunning(String instance, String message) {
        ContainerState s = instances.containerState(instance);
        if (s == null || !s.active()) {
            throw ApiException.badRequest(message);
        }
    }

    static Map<String, List<String>> resources(String instance, String snap) {
        Map<String, List<String>> res = new LinkedHashMap<>();
        res.put("instances", List.of(InstanceManager.url(instance)));
        res.put("instances_snapshots", List.of(url(instance, snap)));
        return res;
    }

    static String validName(String name) {
        try {
            return Names.snapshot(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
