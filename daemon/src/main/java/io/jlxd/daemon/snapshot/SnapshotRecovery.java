package io.jlxd.daemon.snapshot;

import io.jlxd.daemon.db.SnapshotTable;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.RootfsStorage;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Reconciles the database with the volumes at daemon start, before anything is served, so that whatever a crash
 * (kill -9) interrupted ends in the old state or the new one:
 * <ol>
 * <li>temporaries of interrupted copies are removed by the storage itself when it opens;</li>
 * <li>a journaled restore is rolled forward ({@link SnapshotRestore#redo});</li>
 * <li>an instance row without a volume is an interrupted creation or copy (the volume is always made last, by one
 * rename): its row, snapshot rows and snapshot volumes are removed;</li>
 * <li>a snapshot row without a volume is removed (cannot happen with the order used, but a volume lost by hand);</li>
 * <li>a snapshot volume without a row is an interrupted snapshot or deletion: it is removed;</li>
 * <li>an instance whose liblxc definition is missing (a deletion killed after that first step) is defined again;</li>
 * <li>an instance left frozen by an interrupted snapshot, copy or live migration ({@link io.jlxd.daemon.instance.FreezeJournal}) is
 * thawed with its NICs up again (or stopped, when its live migration had committed);</li>
 * <li>a stopped instance marked stateful whose checkpoint is gone loses the mark (its next start is a fresh boot).</li>
 * </ol>
 */
public final class SnapshotRecovery {
    private static final Logger LOG = Logger.getLogger(SnapshotRecovery.class.getName());

    private SnapshotRecovery() {
    }

    /** Returns a one-line summary of what was repaired (empty when nothing). */
    public static String run(InstanceSnapshots snapshots, SnapshotRestore restore) {
        InstanceManager im = snapshots.instances;
        RootfsStorage storage = snapshots.storage();
        StringBuilder done = new StringBuilder();
        for (Map.Entry<String, String> e : snapshots.table.pendingRestores().entrySet()) {
            restore.redo(e.getKey(), e.getValue());
            done.append(" restore of ").append(e.getKey()).append(" finished;");
        }
        for (String name : im.names()) {
            try {
                if (!Files.isDirectory(storage.volume(name), LinkOption.NOFOLLOW_LINKS)) {
                    LOG.warning("instance " + name + " has no volume (its creation was interrupted): removing it");
                    if (im.driver().exists(name)) {
                        im.driver().delete(name);
                    }
                    storage.delete(name);
                    im.table().delete(name);
                    done.append(" unfinished instance ").append(name).append(" removed;");
                    continue;
                }
                String thawed = io.jlxd.daemon.instance.FreezeJournal.recover(im, name);
                if (thawed != null && !thawed.isEmpty()) {
                    LOG.warning("instance " + name + " was left frozen by an interrupted snapshot, copy or live migration: " + thawed);
                    done.append(" ").append(name).append(' ').append(thawed).append(';');
                }
                if (!im.driver().exists(name)) {
                    // the definition is derived from the row: a deletion killed after removing it leaves the instance
                    // (its row and volume) without one; write it again so that liblxc and the database agree
                    LOG.warning("instance " + name + " had no liblxc definition (interrupted deletion): defining it again");
                    im.define(im.row(name));
                    done.append(" definition of ").append(name).append(" written again;");
                }
                Set<String> rows = new HashSet<>();
                for (SnapshotTable.Row r : snapshots.table.list(name)) {
                    if (!Files.isDirectory(storage.snapshotVolume(name, r.name()), LinkOption.NOFOLLOW_LINKS)) {
                        LOG.warning("snapshot " + name + "/" + r.name() + " has no volume: removing its row");
                        snapshots.table.delete(name, r.name());
                        done.append(" row of ").append(name).append('/').append(r.name()).append(" removed;");
                    } else {
                        rows.add(r.name());
                    }
                }
                List<String> volumes = storage.snapshotNames(name);
                for (String v : volumes) {
                    if (!rows.contains(v)) {
                        LOG.warning("snapshot volume " + name + "/" + v + " has no row (interrupted snapshot): removing it");
                        storage.deleteSnapshot(name, v);
                        done.append(" volume of ").append(name).append('/').append(v).append(" removed;");
                    }
                }
                if (im.row(name).stateful() && !Files.isRegularFile(snapshots.stateDir(name).resolve("inventory.img"), LinkOption.NOFOLLOW_LINKS)
                        && !im.containerState(name).active()) {
                    // a restore or deletion killed half way can leave the flag without its checkpoint: the next start
                    // would fail for good; it becomes a fresh boot instead (said here)
                    LOG.warning("instance " + name + " was marked stateful but its checkpoint is gone (interrupted operation):"
                            + " its next start boots it afresh");
                    im.table().setStateful(name, false);
                    done.append(" lost saved state of ").append(name).append(" dropped;");
                }
                if (!im.row(name).stateful() && Files.exists(snapshots.stateDir(name), LinkOption.NOFOLLOW_LINKS)) {
                    snapshots.removeState(name); // a checkpoint of an interrupted stateful snapshot (not a stateful stop's)
                }
            } catch (Exception e) {
                im.warnings().record("Start-up recovery failed", io.jlxd.daemon.warnings.Warnings.Severity.HIGH,
                        InstanceManager.url(name), e.getMessage());
            }
        }
        return done.toString().strip();
    }
}
