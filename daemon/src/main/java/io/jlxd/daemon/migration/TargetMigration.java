package io.jlxd.daemon.migration;

import io.jlxd.api.OperationClass;
import io.jlxd.daemon.db.SnapshotTable;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.instance.Expand;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.SpecFactory;
import io.jlxd.daemon.instance.VolumeReceiver;
import io.jlxd.daemon.migration.wire.MigrationControl;
import io.jlxd.daemon.migration.wire.MigrationHeader;
import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.OperationContext;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.daemon.wsop.WsChannelSet;
import io.jlxd.daemon.wsop.WsOperations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The target side (LXD's {@code migrationSink.Do}), as the volume receiver of {@link InstanceManager#create}: the
 * header, each snapshot received into the volume and snapshotted (oldest first), the instance, and for a live
 * migration the CRIU state and the final pass, then the restore. The source is told the result; a live target keeps
 * its copy only when the source asks it to, and acknowledges that (the hand-over, see {@code SourceMigration.live}).
 * Anything failing before the hand-over undoes the creation.
 */
final class TargetMigration implements VolumeReceiver {
    private static final Logger LOG = Logger.getLogger(TargetMigration.class.getName());
    private static final Duration SOURCE_CONFIRMATION = Duration.ofSeconds(60);
    /** jlxd features this target takes when a jlxd source offers them. */
    static final List<String> TARGET_FEATURES = JlxdFeatures.enabled();
    /** The source's budget chose near-live: no state; the instance is booted here. */
    private volatile boolean nearLive;

    private final InstanceManager instances;
    private final SnapshotTable snapshots;
    private final WsOperations sockets;
    private final EventBus.Requestor who;
    private final Map<String, String> volatileKeys;
    private final boolean live;
    private final boolean privileged;
    // pull: dial the source's operation
    private final String sourceOperation;
    private final X509Certificate sourceCert;
    private final Map<String, String> secrets;
    // push: the source (or a relaying client) connects to ours
    private final WsChannelSet listen;
    private final Path marker;
    private volatile String opId;
    private volatile Channels channels;
    private MigrationHeader offer;
    private Transfer transfer;
    private final StepClock clock = new StepClock();

    TargetMigration(InstanceManager instances, SnapshotTable snapshots, WsOperations sockets, EventBus.Requestor who,
                    Map<String, String> volatileKeys, boolean live, boolean privileged, String sourceOperation, X509Certificate sourceCert,
                    Map<String, String> secrets, Path marker) {
        this.marker = marker;
        this.instances = instances;
        this.snapshots = snapshots;
        this.sockets = sockets;
        this.who = who;
        this.volatileKeys = volatileKeys;
        this.live = live;
        this.privileged = privileged;
        this.sourceOperation = sourceOperation;
        this.sourceCert = sourceCert;
        this.secrets = secrets;
        this.listen = sourceOperation == null ? new WsChannelSet(Channels.names(live)) : null;
    }

    @Override
    public Map<String, String> volatileKeys() {
        return volatileKeys;
    }

    @Override
    public Operations.Spec spec(Operations.Spec task) {
        if (listen == null) {
            return task;
        }
        return new Operations.Spec(OperationClass.WEBSOCKET, task.description(), task.resources(), new LinkedHashMap<>(listen.fds()),
                task.mayCancel(), task.onCancel());
    }

    @Override
    public void registered(Op op) {
        opId = op.id();
        if (listen != null) {
            sockets.register(op.id(), listen);
        }
    }

    @Override
    public void receive(String name, OperationContext ctx) throws Exception {
        channels = listen != null ? Channels.listened(listen, Channels.names(live))
                : Channels.dialled(sourceOperation, sourceCert, secrets, Channels.names(live));
        offer = channels.receiveHeader();
        if (offer.fs() != MigrationHeader.FS_RSYNC) {
            // LXD falls back to rsync when the types differ: a source that offers only another type is refused
            throw new IOException("the source offers file system transfer type " + offer.fs() + "; jlxd receives rsync (0)");
        }
        boolean stateOffered = offer.criu() != null && offer.criu() == MigrationHeader.CRIU_RSYNC;
        nearLive = live && offer.criu() != null && offer.criu() == MigrationHeader.CRIU_NONE && offer.has(MigrationHeader.NEAR_LIVE);
        if (stateOffered != live && !nearLive) {
            throw new IOException(live ? "the source does not send the running state (the instance is not running there?)"
                    : "the source sends a running state but this request is not live");
        }
        if (offer.idmap().isEmpty() != privileged) {
            throw new IOException(privileged ? "the source's file system is shifted (unprivileged) but this instance is privileged"
                    : "the source's file system is not shifted (privileged) but this instance is unprivileged");
        }
        RsyncStream.Options opts = Wire.agreed(SourceMigration.OUR_RSYNC, offer.rsync());
        channels.sendHeader(new MigrationHeader(MigrationHeader.FS_RSYNC, offer.criu(), Wire.idmap(privileged ? Map.of("security.privileged", "true")
                : Map.of()), offer.snapshotNames(), List.of(), false,
                new MigrationHeader.RsyncFeatures(opts.xattrs(), opts.delete(), false, false), false, null, null)
                .withJlxd(offer.jlxd().stream().filter(TARGET_FEATURES::contains).toList()));
        transfer = new Transfer(name, ctx);
        Files.writeString(marker, name); // removed when the receive ends either way; a crash leaves it for recover()
        instances.storage().createEmpty(name, privileged ? 0 : SpecFactory.IDMAP_BASE);
        Path volume = instances.storage().volume(name);
        for (MigrationHeader.Snapshot s : offer.snapshots()) {
            RsyncStream.receive(volume, channels.fs(), opts, transfer.fsBytes);
            instances.storage().createSnapshot(name, s.name());
            if (!snapshots.create(Wire.snapshotRow(name, s, instances.profileKeysAsNamed(
                    io.jlxd.daemon.project.ProjectKeys.project(name), s.profiles())), null)) {
                throw new IOException("snapshot " + s.name() + " of " + name + " exists already");
            }
        }
        RsyncStream.receive(volume, channels.fs(), opts, transfer.fsBytes);
        clock.restart();
        if (offer.criu() != null) {
            RsyncStream.Options finalPass = opts;
            Background state = null;
            if (live && !nearLive) {
                Path dir = instances.stateDir(name);
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                // the state and the final pass come on their own channels, in either order (LXD: state first; a jlxd
                // source that overlaps: the final pass during the dump): both are received at once
                boolean stream = offer.has(MigrationHeader.STATE_STREAM) && TARGET_FEATURES.contains(MigrationHeader.STATE_STREAM);
                state = Background.start("migration-state-" + name, () -> {
                    if (stream) {
                        StateStream.receive(dir, channels.criu(), transfer.criuBytes);
                    } else {
                        RsyncStream.receive(dir, channels.criu(), opts, transfer.criuBytes);
                    }
                });
                finalPass = opts.protecting("/" + dir.getFileName() + "/");
            }
            try {
                RsyncStream.receive(volume, channels.fs(), finalPass, transfer.fsBytes);
                clock.lap("final_fs");
                if (state != null) {
                    state.join(Duration.ofMinutes(5));
                    clock.lap("criu_receive_wait");
                }
            } catch (Exception e) {
                if (state != null) {
                    state.cancel();
                }
                throw e;
            }
        }
    }

    @Override
    public void finish(String name, OperationContext ctx) throws Exception {
        // on failure the channels stay open until failed() has told the source why
        if (live) {
            clock.restart();
            instances.startMigrated(name, !nearLive, who);
            long restoreMs = clock.lap(nearLive ? "start" : "restore");
            channels.sendControl(true, "");
            // the source owns the instance until it asks us to keep ours (see SourceMigration.live); our answer is the
            // hand-over, so the marker goes first: a crash after the answer must not remove the only running copy
            MigrationControl keep = channels.receiveControl(SOURCE_CONFIRMATION);
            if (!keep.success()) {
                throw new IOException("the source did not give the instance up: " + keep.message());
            }
            Files.deleteIfExists(marker);
            channels.sendControl(true, "");
            // ours now: nothing after this point may undo the creation
            String type = nearLive ? "near-live" : "live";
            try {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("migration_type", type);
                m.putAll(clock.steps());
                m.putAll(instances.driver().lastRestoreSteps(name));
                m.put(nearLive ? "start_ms" : "restore_ms", restoreMs);
                m.put("total_ms", transfer.elapsedMillis());
                ctx.updateMetadata(m);
                LOG.info("migration of " + name + " received (" + type + ") in " + transfer.elapsedMillis() + " ms");
            } catch (RuntimeException e) {
                LOG.warning("migration of " + name + " received (" + type + "); its figures are lost: " + e.getMessage());
            }
            end();
            return;
        } else {
            channels.sendControl(true, "");
            ctx.updateMetadata(Map.of("migration_type", offer.criu() == null ? "cold" : "stateless", "total_ms", transfer.elapsedMillis()));
        }
        LOG.info("migration of " + name + " received (" + (live ? "live" : "not live") + ") in " + transfer.elapsedMillis() + " ms; steps "
                + clock.steps());
        end();
        Files.deleteIfExists(marker);
    }

    @Override
    public void failed(Exception cause) {
        LOG.warning("receiving a migrated instance failed, undoing it: " + cause.getMessage());
        Channels c = channels;
        if (c != null) {
            c.sendFailure(cause.getMessage());
        }
        end();
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            LOG.warning("cannot remove " + marker + ": " + e.getMessage());
        }
    }

    private void end() {
        if (transfer != null) {
            transfer.close();
        }
        Channels c = channels;
        if (c != null) {
            c.close();
        }
        if (listen != null) {
            listen.closeAll();
            if (opId != null) {
                sockets.remove(opId);
            }
        }
    }

    static boolean privileged(InstanceManager instances, List<String> profiles, Map<String, String> config) {
        return "true".equals(Expand.config(instances.profileRows(profiles), config).get("security.privileged"));
    }
}
