package io.jlxd.daemon.migration;

import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.SnapshotTable;
import io.jlxd.daemon.instance.Expand;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.migration.wire.MigrationControl;
import io.jlxd.daemon.migration.wire.MigrationHeader;
import io.jlxd.daemon.ops.OperationContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The source side of a migration (LXD's {@code migrationSourceWs.Do}): offer, snapshots oldest first, the instance,
 * then for a running instance either the live part (freeze, CRIU dump, state, final file system pass, the target's
 * restore, and only then the source goes) or, moved without its state, a final pass while frozen. The source is
 * never changed until the target reports success; any failure thaws it.
 */
final class SourceMigration {
    private static final Logger LOG = Logger.getLogger(SourceMigration.class.getName());
    /** How long the target may take to restore (and report) after the last byte. */
    private static final Duration RESTORE_RESULT = Duration.ofMinutes(5);
    /** A near-live move's clean stop, then a kill. */
    private static final Duration NEAR_LIVE_STOP = Duration.ofSeconds(10);
    static final RsyncStream.Options OUR_RSYNC = new RsyncStream.Options(true, true);
    /** jlxd's own live-migration features offered to the target (an LXD target ignores them). */
    static final List<String> LIVE_FEATURES = JlxdFeatures.enabled().stream()
            .filter(f -> List.of(MigrationHeader.OVERLAP_FINAL_FS, MigrationHeader.STATE_STREAM).contains(f)).toList();

    private final InstanceManager instances;
    private final SnapshotTable snapshots;
    private final Path scratch;
    private final String name;
    private final boolean liveRequested;
    private final boolean instanceOnly;

    SourceMigration(InstanceManager instances, SnapshotTable snapshots, Path scratch, String name, boolean live, boolean instanceOnly) {
        this.instances = instances;
        this.snapshots = snapshots;
        this.scratch = scratch;
        this.name = name;
        this.liveRequested = live;
        this.instanceOnly = instanceOnly;
    }

    /** A downtime budget chose a near-live move (the live request is honoured as a stop, a last pass, a start). */
    private DowntimePlan plan;

    SourceMigration planned(DowntimePlan p) {
        this.plan = p;
        return this;
    }

    /** The snapshot sent as the instance (a copy of a snapshot into a new instance), or null: the instance itself. */
    private String snapshot;

    SourceMigration ofSnapshot(String snap) {
        this.snapshot = snap;
        return this;
    }

    /** Runs the migration over {@code ch}; returns the figures for the operation's metadata. */
    Map<String, Object> run(Channels ch, OperationContext ctx) throws Exception {
        InstanceTable.Row r = instances.row(name);
        SnapshotTable.Row ofSnap = snapshot == null ? null : snapshots.get(name, snapshot)
                .orElseThrow(() -> new IOException("the snapshot " + name + "/" + snapshot + " is gone"));
        ContainerState cs = ofSnap != null ? null : instances.containerState(name);
        boolean running = cs != null && cs.active();
        boolean nearLive = liveRequested && running && plan != null && plan.kind() == DowntimePlan.Kind.NEAR_LIVE;
        boolean live = liveRequested && running && !nearLive;
        List<SnapshotTable.Row> snaps = instanceOnly || ofSnap != null ? List.of() : snapshots.list(name);
        Map<String, String> expanded = ofSnap != null ? Expand.config(instances.profileRows(ofSnap.profiles()), ofSnap.config())
                : Expand.config(instances.profileRows(r.profiles()), r.config());
        Path volume = ofSnap != null ? instances.storage().snapshotVolume(name, ofSnap.name()) : instances.storage().volume(name);
        MigrationHeader offer = new MigrationHeader(MigrationHeader.FS_RSYNC,
                live ? Integer.valueOf(MigrationHeader.CRIU_RSYNC) : running ? Integer.valueOf(MigrationHeader.CRIU_NONE) : null,
                Wire.idmap(expanded), snaps.stream().map(SnapshotTable.Row::name).toList(),
                snaps.stream().map(s -> Wire.snapshot(s, instances.profileNames(s.profiles()))).toList(), false,
                new MigrationHeader.RsyncFeatures(OUR_RSYNC.xattrs(), OUR_RSYNC.delete(), false, false), false, null, null)
                .withJlxd(live ? LIVE_FEATURES : nearLive ? JlxdFeatures.enabled().stream().filter(MigrationHeader.NEAR_LIVE::equals).toList() : List.of());
        Map<String, Object> figures = new LinkedHashMap<>();
        String kind = ofSnap != null ? "snapshot" : live ? "live" : nearLive ? "near-live" : running ? "stateless" : "cold";
        figures.put("migration_type", kind);
        if (plan != null) {
            figures.put("downtime_plan", plan.reason());
        }
        try (Transfer t = new Transfer(name, ctx)) {
            try {
                ch.sendHeader(offer);
                MigrationHeader answer = ch.receiveHeader();
                if (answer.fs() != MigrationHeader.FS_RSYNC) {
                    throw new IOException("the target asked for file system transfer type " + answer.fs() + "; jlxd sends rsync (0)");
                }
                if (live && (answer.criu() == null || answer.criu() != MigrationHeader.CRIU_RSYNC)) {
                    throw new IOException("the target does not take the running state (CRIU)");
                }
                RsyncStream.Options opts = Wire.agreed(OUR_RSYNC, answer.rsync());
                for (SnapshotTable.Row s : snaps) {
                    RsyncStream.send(instances.storage().snapshotVolume(name, s.name()), ch.fs(), opts, t.fsBytes, scratch);
                }
                RsyncStream.send(volume, ch.fs(), opts, t.fsBytes, scratch);
                if (nearLive) {
                    if (!answer.has(MigrationHeader.NEAR_LIVE)) {
                        throw new IOException("the downtime budget asks for a near-live move, which the target does not do (not a jlxd daemon?)");
                    }
                    nearLive(ch, opts, t, figures);
                } else if (live) {
                    live(ch, opts, t, figures, answer);
                } else {
                    if (running) {
                        finalPassFrozen(ch, opts, t, figures);
                    }
                    MigrationControl result = ch.receiveControl(null);
                    if (!result.success()) {
                        throw new Channels.PeerFailure("the target failed: " + result.message());
                    }
                }
            } catch (Channels.PeerFailure e) {
                throw e;
            } catch (Exception e) {
                String why = ch.peerFailure(Duration.ofSeconds(1));
                ch.sendFailure(e.getMessage());
                throw why == null ? e : new IOException(e.getMessage() + " (the target: " + why + ")", e);
            }
            figures.put("total_ms", t.elapsedMillis());
            figures.put("fs_bytes", t.fsBytes.get());
            figures.put("criu_bytes", t.criuBytes.get());
        }
        LOG.info("migration of " + name + " (" + kind + ") done: " + figures);
        return figures;
    }

    /**
     * Live: freeze and dump, cut the NICs, send the state and the last changes, wait for the target's restore, then the
     * hand-over. Who owns the instance at each step (the copy that must survive any failure):
     * <ol>
     * <li>until the target reports its restore, and until it acknowledges that it keeps its copy: the source (frozen,
     * journaled); any failure, a cut channel or a killed daemon thaws it (at once, or at the daemon's next start) and
     * the target removes its copy;</li>
     * <li>the source asks the target to keep its copy (a {@code MigrationControl} success after the target's own); the
     * target drops its receiving marker, then answers with a success: from then on the target owns the instance;</li>
     * <li>the source journals the commit, then stops its frozen copy (a daemon killed in between stops it at its next
     * start).</li>
     * </ol>
     * A channel cut after the target answered and before the source read it leaves both copies (the source's thawed);
     * the source's operation fails, so the client knows (jlxc then removes the target's copy). Never none.
     */
    private void live(Channels ch, RsyncStream.Options opts, Transfer t, Map<String, Object> figures, MigrationHeader answer) throws Exception {
        StepClock clock = new StepClock();
        figures.put("precopy", Precopy.status());
        boolean overlap = answer.has(MigrationHeader.OVERLAP_FINAL_FS);
        figures.put("final_fs_overlap", overlap);
        figures.put("state_transfer", answer.has(MigrationHeader.STATE_STREAM) ? "stream" : "rsync");
        Background finalFs = null;
        try (LiveSource src = new LiveSource(instances, name)) {
            src.freezeAndDump(clock, overlap ? () -> Background.start("migration-final-fs-" + name,
                    () -> RsyncStream.send(instances.storage().volume(name), ch.fs(), opts, t.fsBytes, scratch)) : null);
            finalFs = src.started;
            figures.put("dump_ms", (System.nanoTime() - src.frozenAtNanos) / 1_000_000);
            figures.putAll(src.criuStats);
            if (answer.has(MigrationHeader.STATE_STREAM)) {
                StateStream.send(src.dumpDir(), ch.criu(), t.criuBytes);
            } else {
                RsyncStream.send(src.dumpDir(), ch.criu(), opts, t.criuBytes, scratch);
            }
            clock.lap("criu_send");
            if (finalFs != null) {
                figures.put("final_fs_ms", finalFs.join(RESTORE_RESULT));
                clock.lap("final_fs_wait");
            } else {
                RsyncStream.send(instances.storage().volume(name), ch.fs(), opts, t.fsBytes, scratch);
                clock.lap("final_fs");
            }
            MigrationControl result = ch.receiveControl(RESTORE_RESULT);
            clock.lap("target_restore");
            if (!result.success()) {
                throw new Channels.PeerFailure("the target could not restore the instance: " + result.message());
            }
            long downtime = (System.nanoTime() - src.frozenAtNanos) / 1_000_000;
            ch.sendControl(true, ""); // keep it
            MigrationControl kept = ch.receiveControl(Channels.HANDSHAKE);
            if (!kept.success()) {
                throw new Channels.PeerFailure("the target did not keep the instance: " + kept.message());
            }
            src.commit();
            figures.put("downtime_ms", downtime);
            try {
                src.kill();
                clock.lap("source_kill");
            } catch (Exception e) {
                // the target owns the instance now: this must not fail the move (a client would undo the target's copy)
                LOG.warning("migration of " + name + ": the target runs it, but stopping the frozen source failed (its journal"
                        + " says committed: the daemon's next start stops it): " + e.getMessage());
            }
            figures.putAll(clock.steps());
        }
    }

    /**
     * Near-live: stopped cleanly (the downtime starts), the last pass, the target boots it; success → the source stays
     * stopped (the client deletes it) and the target is told; anything else → started again here.
     */
    private void nearLive(Channels ch, RsyncStream.Options opts, Transfer t, Map<String, Object> figures) throws Exception {
        StepClock clock = new StepClock();
        long t0 = System.nanoTime();
        boolean stopped = false;
        try {
            try {
                instances.stopContainer(name, false, NEAR_LIVE_STOP);
            } catch (Exception e) {
                instances.stopContainer(name, true, Duration.ZERO);
            }
            stopped = true;
            clock.lap("stop");
            RsyncStream.send(instances.storage().volume(name), ch.fs(), opts, t.fsBytes, scratch);
            clock.lap("final_fs");
            MigrationControl result = ch.receiveControl(RESTORE_RESULT);
            clock.lap("target_start");
            if (!result.success()) {
                throw new Channels.PeerFailure("the target could not start the instance: " + result.message());
            }
            figures.put("downtime_ms", (System.nanoTime() - t0) / 1_000_000);
            figures.putAll(clock.steps());
            // the hand-over of live moves (see live): the target keeps its copy only when asked, and says so
            ch.sendControl(true, ""); // keep it
            MigrationControl kept = ch.receiveControl(Channels.HANDSHAKE);
            if (!kept.success()) {
                throw new Channels.PeerFailure("the target did not keep the instance: " + kept.message());
            }
            stopped = false; // it stays stopped: the target runs it
        } finally {
            if (stopped) {
                try {
                    instances.startContainer(name);
                } catch (Exception e) {
                    LOG.warning("near-live migration of " + name + " failed and the instance could not be started again here: " + e.getMessage());
                }
            }
        }
    }

    /** Moved without its state while running: the last pass while frozen, so that the copy is consistent. */
    private void finalPassFrozen(Channels ch, RsyncStream.Options opts, Transfer t, Map<String, Object> figures) throws Exception {
        long t0 = System.nanoTime();
        instances.driver().freeze(name);
        try {
            RsyncStream.send(instances.storage().volume(name), ch.fs(), opts, t.fsBytes, scratch);
        } finally {
            instances.driver().unfreeze(name);
            figures.put("frozen_ms", (System.nanoTime() - t0) / 1_000_000);
        }
    }

    static List<String> channelNames(boolean live) {
        return new ArrayList<>(Channels.names(live));
    }
}
