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
 * its copy only when the source confirms that its own container is gone. Anything failing undoes the creation.
 */
final class TargetMigration implements VolumeReceiver {
    private static final Logger LOG = Logger.getLogger(TargetMigration.class.getName());
    private static final Duration SOURCE_CONFIRMATION = Duration.ofSeconds(60);

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
        if (stateOffered != live) {
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
                new MigrationHeader.RsyncFeatures(opts.xattrs(), opts.delete(), false, false), false, null, null));
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
        if (offer.criu() != null) {
            RsyncStream.Options finalPass = opts;
            if (live) {
                Path state = instances.stateDir(name);
                Files.createDirectories(state);
                Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
                RsyncStream.receive(state, channels.criu(), opts, transfer.criuBytes);
                finalPass = opts.protecting("/" + state.getFileName() + "/");
            }
            RsyncStream.receive(volume, channels.fs(), finalPass, transfer.fsBytes);
        }
    }

    @Override
    public void finish(String name, OperationContext ctx) throws Exception {
        // on failure the channels stay open until failed() has told the source why
        if (live) {
            long t0 = System.nanoTime();
            instances.startMigrated(name, true, who);
            long restoreMs = (System.nanoTime() - t0) / 1_000_000;
            channels.sendControl(true, "");
            MigrationControl confirmed = channels.receiveControl(SOURCE_CONFIRMATION);
            if (!confirmed.success()) {
                throw new IOException("the source did not give the instance up: " + confirmed.message());
            }
            ctx.updateMetadata(Map.of("migration_type", "live", "restore_ms", restoreMs, "total_ms", transfer.elapsedMillis()));
        } else {
            channels.sendControl(true, "");
            ctx.updateMetadata(Map.of("migration_type", offer.criu() == null ? "cold" : "stateless", "total_ms", transfer.elapsedMillis()));
        }
        LOG.info("migration of " + name + " received (" + (live ? "live" : "not live") + ") in " + transfer.elapsedMillis() + " ms");
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
