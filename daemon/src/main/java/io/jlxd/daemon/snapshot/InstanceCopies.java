package io.jlxd.daemon.snapshot;

import io.jlxd.api.config.InstanceConfigKeys;
import io.jlxd.api.instance.InstanceSource;
import io.jlxd.api.instance.InstancesPost;
import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.SnapshotTable;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.instance.Expand;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.SnapshotHooks;
import io.jlxd.daemon.util.Reverter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code POST /1.0/instances} with {@code source.type: copy} ({@code source.source}: {@code "c1"} or
 * {@code "c1/snap0"}, {@code instance_only}), as LXD: the new instance takes the source's config, devices and profiles,
 * with the request's config and devices laid over them and its profiles replacing them when given; volatile keys are
 * fresh (only {@code volatile.base_image} is kept). Snapshots are copied too unless {@code instance_only} or the source
 * is a snapshot. The instance row is made by InstanceManager.create (with its revert); this class fills its volume.
 */
public final class InstanceCopies implements SnapshotHooks {
    private final InstanceSnapshots snapshots;

    public InstanceCopies(InstanceSnapshots snapshots) {
        this.snapshots = snapshots;
    }

    record Source(String instance, String snap) {
    }

    static Source parse(InstanceSource src) {
        String s = src.source();
        if (s == null || s.isEmpty()) {
            throw ApiException.badRequest("A copy source needs \"source\": an instance name or instance/snapshot");
        }
        int slash = s.indexOf('/');
        String inst = slash < 0 ? s : s.substring(0, slash);
        String snap = slash < 0 ? null : s.substring(slash + 1);
        if (snap != null) {
            InstanceSnapshots.validName(snap);
        }
        return new Source(inst, snap);
    }

    /** The request with the source's config, devices, profiles merged in (LXD's rules); other requests unchanged. */
    public InstancesPost prepare(InstancesPost body) {
        if (body.source() == null || !"copy".equals(body.source().type())) {
            return body;
        }
        if (body.source().server() != null && !body.source().server().isEmpty()) {
            throw ApiException.badRequest("Copies from another server are not supported (source.server)");
        }
        Source src = parse(body.source());
        InstanceTable.Row inst = snapshots.instances.table().get(src.instance())
                .orElseThrow(() -> ApiException.notFound("Source instance \"" + src.instance() + "\" not found"));
        Map<String, String> config = new TreeMap<>();
        Map<String, Map<String, String>> devices;
        List<String> profiles;
        String arch;
        boolean ephemeral;
        if (src.snap() == null) {
            config.putAll(inst.config());
            devices = new TreeMap<>(inst.devices());
            profiles = snapshots.instances.profileNames(inst.profiles());
            arch = inst.architecture();
            ephemeral = inst.ephemeral();
        } else {
            SnapshotTable.Row s = snapshots.table.get(src.instance(), src.snap())
                    .orElseThrow(() -> ApiException.notFound("Source snapshot \"" + body.source().source() + "\" not found"));
            s.config().forEach((k, v) -> {
                if (!k.startsWith(InstanceConfigKeys.VOLATILE_PREFIX)) {
                    config.put(k, v);
                }
            });
            devices = new TreeMap<>(s.devices());
            profiles = snapshots.instances.profileNames(s.profiles());
            arch = s.architecture();
            ephemeral = s.ephemeral();
        }
        if (body.config() != null) {
            // lxc copy sends the source's volatile.base_image (and other volatile keys): the copy's volatile keys
            // are the daemon's, so they are left out here rather than refused
            body.config().forEach((k, v) -> {
                if (!k.startsWith(InstanceConfigKeys.VOLATILE_PREFIX)) {
                    config.put(k, v);
                }
            });
        }
        if (body.devices() != null) {
            devices.putAll(body.devices());
        }
        return new InstancesPost(body.name(), body.type(), body.source(), arch, config, devices,
                body.ephemeral() != null ? body.ephemeral() : ephemeral, body.profiles() != null ? body.profiles() : profiles,
                body.description(), body.start(), body.instanceType(), body.stateful());
    }

    @Override
    public String checkCopySource(InstanceSource source, boolean privileged) {
        Source src = parse(source);
        InstanceTable.Row inst = snapshots.instances.table().get(src.instance())
                .orElseThrow(() -> ApiException.notFound("Source instance \"" + src.instance() + "\" not found"));
        Map<String, String> srcConfig = inst.config();
        if (src.snap() != null) {
            srcConfig = snapshots.table.get(src.instance(), src.snap())
                    .orElseThrow(() -> ApiException.notFound("Source snapshot \"" + source.source() + "\" not found")).config();
        }
        boolean srcPriv;
        try {
            srcPriv = "true".equals(Expand.config(snapshots.instances.profileRows(inst.profiles()), srcConfig).get("security.privileged"));
        } catch (ApiException e) {
            srcPriv = "true".equals(srcConfig.get("security.privileged"));
        }
        if (srcPriv != privileged) {
            throw ApiException.badRequest("A copy cannot change security.privileged (the root file system's owners would need shifting)");
        }
        return inst.volatileConfig().get("volatile.base_image");
    }

    @Override
    public void copyVolumes(InstanceSource source, String to) throws Exception {
        Source src = parse(source);
        InstanceManager im = snapshots.instances;
        im.withLock(src.instance(), () -> {
            if (src.snap() != null) {
                snapshots.row(src.instance(), src.snap());
                snapshots.storage().copy(src.instance(), src.snap(), to);
                return null;
            }
            List<SnapshotTable.Row> snaps = Boolean.TRUE.equals(source.instanceOnly()) ? List.of() : snapshots.table.list(src.instance());
            for (SnapshotTable.Row s : snaps) {
                snapshots.storage().copySnapshot(src.instance(), s.name(), to);
            }
            for (SnapshotTable.Row s : snaps) {
                if (!snapshots.table.create(new SnapshotTable.Row(to, s.name(), s.createdAt(), s.expiresAt(), s.stateful(), s.scheduled(),
                        s.architecture(), s.ephemeral(), s.description(), s.config(), s.devices(),
                        // the copy's project may be another: its snapshots name the profiles of that project
                        im.profileKeysAsNamed(io.jlxd.daemon.project.ProjectKeys.project(to), im.profileNames(s.profiles()))), null)) {
                    throw new IllegalStateException("snapshot " + s.name() + " of " + to + " already exists");
                }
            }
            // The instance volume comes last: until it exists, a crash leaves a row without volume, which the next start
            // removes with everything under it (SnapshotRecovery).
            copyFrozen(src.instance(), to);
            return null;
        });
    }

    /** A running source is frozen while it is copied (refused when it cannot be: see {@link Frozen}). */
    private void copyFrozen(String from, String to) throws Exception {
        try (Reverter r = new Reverter()) {
            try (Frozen f = Frozen.ifRunning(snapshots.instances, from)) {
                snapshots.storage().copy(from, null, to);
                r.add("delete the copied volume " + to, () -> snapshots.storage().delete(to));
            } // an unfreeze that fails throws here: the copy is undone and the operation fails with the reason
            r.success();
        }
    }

    @Override
    public List<Object> views(String instance) {
        List<Object> out = new ArrayList<>();
        for (SnapshotTable.Row r : snapshots.table.list(instance)) {
            out.add(snapshots.view(r));
        }
        return out;
    }
}
