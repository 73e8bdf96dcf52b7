package io.jlxd.daemon.snapshot;

import io.jlxd.api.config.InstanceConfigKeys;
import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.SnapshotTable;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.Operations;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * {@code PUT /1.0/instances/{name}} with {@code {"restore": "snap"}}: a running instance is stopped, its volume and its
 * config, devices and profiles are replaced by the snapshot's, and it is started again; with {@code stateful} (a stateful
 * snapshot) its processes are restored from the checkpoint instead.
 *
 * <p>Crash safety: the restore is journaled ({@code instances_snapshot_restores}) before anything changes and the
 * journal entry is removed at the end; a start that finds an entry rolls the restore forward ({@link #redo}): the
 * instance ends with the snapshot's content and config, never a mix of old and new.
 */
public final class SnapshotRestore {
    private static final Logger LOG = Logger.getLogger(SnapshotRestore.class.getName());
    private final InstanceSnapshots snapshots;

    public SnapshotRestore(InstanceSnapshots snapshots) {
        this.snapshots = snapshots;
    }

    public Op restore(String instance, String snap, boolean stateful, EventBus.Requestor who) {
        SnapshotTable.Row s = snapshots.row(instance, snap);
        if (stateful && !s.stateful()) {
            throw ApiException.badRequest("Snapshot \"" + snap + "\" is not stateful (it holds no checkpoint)");
        }
        InstanceManager im = snapshots.instances;
        im.profileRows(s.profiles()); // 400 when one of its profiles is gone
        return snapshots.operations.startTask(Operations.Spec.task("Restoring snapshot", InstanceSnapshots.resources(instance, snap)),
                ctx -> im.withLock(instance, () -> {
                    run(instance, snapshots.row(instance, snap), stateful);
                    snapshots.events.lifecycle("instance-restored", InstanceManager.url(instance), Map.of("snapshot", snap), who);
                    return null;
                }));
    }

    private void run(String instance, SnapshotTable.Row s, boolean stateful) throws Exception {
        InstanceManager im = snapshots.instances;
        InstanceTable.Row cur = im.row(instance);
        ContainerState st = im.containerState(instance);
        boolean wasRunning = st != null && st.active();
        if (wasRunning) {
            im.stopContainer(instance, true, Duration.ZERO);
        }
        snapshots.table.beginRestore(instance, s.name());
        try {
            im.table().update(restoredRow(cur, s));
            snapshots.storage().restoreSnapshot(instance, s.name());
        } catch (Exception | Error e) {
            im.table().update(cur);
            snapshots.table.endRestore(instance);
            if (wasRunning) {
                im.startContainer(instance);
            }
            throw e;
        }
        snapshots.table.endRestore(instance);
        im.define(im.row(instance), stateful);
        try {
            if (stateful) {
                snapshots.instances.driver().restore(instance, snapshots.stateDir(instance));
                im.table().setVolatile(instance, "volatile.last_state.power", "RUNNING");
            } else if (wasRunning) {
                im.startContainer(instance);
            }
        } finally {
            snapshots.removeState(instance);
            im.devicesChanged(instance);
        }
    }

    /** The instance row with the snapshot's user config, devices, profiles (volatile keys are the instance's own). */
    static InstanceTable.Row restoredRow(InstanceTable.Row cur, SnapshotTable.Row s) {
        Map<String, String> config = new TreeMap<>();
        s.config().forEach((k, v) -> {
            if (!k.startsWith(InstanceConfigKeys.VOLATILE_PREFIX)) {
                config.put(k, v);
            }
        });
        return new InstanceTable.Row(cur.name(), s.architecture(), s.ephemeral(), cur.stateful(), cur.description(), cur.createdAt(),
                cur.lastUsedAt(), config, cur.volatileConfig(), s.devices(), List.copyOf(s.profiles()));
    }

    /** At start: finishes a restore that a crash interrupted (the snapshot's content and config win). */
    void redo(String instance, String snap) {
        try {
            InstanceTable.Row cur = snapshots.instances.row(instance);
            SnapshotTable.Row s = snapshots.row(instance, snap);
            snapshots.instances.table().update(restoredRow(cur, s));
            snapshots.storage().restoreSnapshot(instance, snap);
            if (Files.exists(snapshots.stateDir(instance))) {
                snapshots.removeState(instance);
            }
            snapshots.table.endRestore(instance);
            LOG.warning("finished the restore of " + instance + " from " + snap + " that the daemon's stop interrupted");
        } catch (Exception e) {
            snapshots.instances.warnings().record("Interrupted restore not finished", io.jlxd.daemon.warnings.Warnings.Severity.HIGH,
                    io.jlxd.daemon.instance.InstanceManager.url(instance), "the restore from " + snap + " that a crash interrupted"
                            + " could not be finished at start (it is tried again at the next start): " + e.getMessage());
        }
    }
}
