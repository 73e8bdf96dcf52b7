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
    static final RsyncStream.Options OUR_RSYNC = new RsyncStream.Options(true, true);

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

    /** Runs the migration over {@code ch}; returns the figures for the operation's metadata. */
    Map<String, Object> run(Channels ch, OperationContext ctx) throws Exception {
        InstanceTable.Row r = instances.row(name);
        ContainerState cs = instances.containerState(name);
        boolean running = cs != null && cs.active();
        boolean live = liveRequested && running;
        List<SnapshotTable.Row> snaps = instanceOnly ? List.of() : snapshots.list(name);
        Map<String, String> expanded = Expand.config(instances.profileRows(r.profiles()), r.config());
        MigrationHeader offer = new MigrationHeader(MigrationHeader.FS_RSYNC,
                live ? Integer.valueOf(MigrationHeader.CRIU_RSYNC) : running ? Integer.valueOf(MigrationHeader.CRIU_NONE) : null,
                Wire.idmap(expanded), snaps.stream().map(SnapshotTable.Row::name).toList(),
                snaps.stream().map(s -> Wire.snapshot(s, instances.profileNames(s.profiles()))).toList(), false,
                new MigrationHeader.RsyncFeatures(OUR_RSYNC.xattrs(), OUR_RSYNC.delete(), false, false), false, null, null);
        Map<String, Object> figures = new LinkedHashMap<>();
        String kind = live ? "live" : running ? "stateless" : "cold";
        figures.put("migration_type", kind);
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
                RsyncStream.send(instances.storage().volume(name), ch.fs(), opts, t.fsBytes, scratch);
                if (live) {
                    live(ch, opts, t, figures);
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

    /** Live: freeze and dump, cut the NICs, send the state and the last changes, wait for the target's restore. */
    private void live(Channels ch, RsyncStream.Options opts, Transfer t, Map<String, Object> figures) throws Exception {
        try (LiveSource src = new LiveSource(instances, name)) {
            src.freezeAndDump();
            figures.put("dump_ms", (System.nanoTime() - src.frozenAtNanos) / 1_000_000);
            RsyncStream.send(src.dumpDir(), ch.criu(), opts, t.criuBytes, scratch);
            RsyncStream.send(instances.storage().volume(name), ch.fs(), opts, t.fsBytes, scratch);
            MigrationControl result = ch.receiveControl(RESTORE_RESULT);
            if (!result.success()) {
                throw new Channels.PeerFailure("the target could not restore the instance: " + result.message());
            }
            long downtime = (System.nanoTime() - src.frozenAtNanos) / 1_000_000;
            // the target runs it: the source goes, then the target is told (it keeps its copy only on this answer)
            src.kill();
            figures.put("downtime_ms", downtime);
            ch.sendControl(true, "");
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
