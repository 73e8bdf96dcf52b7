package io.jlxd.daemon.routes;

import io.jlxd.api.storage.StorageVolumeSnapshot;
import io.jlxd.api.storage.StorageVolumeSnapshotsPost;
import io.jlxd.daemon.db.StorageVolumeTable;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.daemon.storage.CustomVolumes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /1.0/storage-pools/{pool}/volumes/{type}/{name}/snapshots[/{snap}]}: snapshots of custom volumes. */
public final class StorageVolumeSnapshotRoutes {
    private final CustomVolumes custom;
    private final Operations operations;
    private final EventBus events;

    public StorageVolumeSnapshotRoutes(CustomVolumes custom, Operations operations, EventBus events) {
        this.custom = custom;
        this.operations = operations;
        this.events = events;
    }

    private static String url(String pool, String vol, String snap) {
        return StorageVolumeRoutes.url(pool, "custom", vol) + "/snapshots/" + snap;
    }

    private StorageVolumeSnapshot view(StorageVolumeTable.Row vol, StorageVolumeTable.Snapshot s) {
        return new StorageVolumeSnapshot(s.name(), s.description(), "filesystem", vol.config(), s.createdAt(), s.expiresAt());
    }

    private StorageVolumeTable.Row volume(ApiRequest req) {
        StorageVolumeRoutes.requireCustom(req.param("type"));
        return custom.row(req.param("pool"), req.param("name"));
    }

    public Reply list(ApiRequest req) {
        StorageVolumeTable.Row v = volume(req);
        int recursion = req.recursion(1);
        List<Object> out = new ArrayList<>();
        for (StorageVolumeTable.Snapshot s : custom.snapshots(v.pool(), v.name())) {
            out.add(recursion == 0 ? url(v.pool(), v.name(), s.name()) : view(v, s));
        }
        return Reply.sync(out);
    }

    public Reply create(ApiRequest req) {
        StorageVolumeTable.Row v = volume(req);
        StorageVolumeSnapshotsPost body = req.bodyAs(StorageVolumeSnapshotsPost.class);
        String snap = body.name() == null || body.name().isEmpty() ? custom.nextSnapshotName(v.pool(), v.name())
                : CustomVolumes.snapshotName(body.name());
        if (custom.snapshots(v.pool(), v.name()).stream().anyMatch(s -> s.name().equals(snap))) {
            throw ApiException.conflict("Snapshot \"" + snap + "\" already exists");
        }
        EventBus.Requestor who = req.caller().requestor();
        Map<String, List<String>> res = Map.of("storage_volumes", List.of(StorageVolumeRoutes.url(v.pool(), "custom", v.name())));
        return Reply.async(operations.startTask(Operations.Spec.task("Creating storage volume snapshot", res), ctx -> {
            custom.createSnapshot(v.pool(), v.name(), snap, body.description(), body.expiresAt());
            events.lifecycle("storage-volume-snapshot-created", url(v.pool(), v.name(), snap), null, who);
            return null;
        }).view());
    }

    public Reply get(ApiRequest req) {
        StorageVolumeTable.Row v = volume(req);
        return Reply.sync(view(v, custom.snapshot(v.pool(), v.name(), req.param("snap"))));
    }

    public Reply put(ApiRequest req) {
        StorageVolumeTable.Row v = volume(req);
        StorageVolumeSnapshotsPost body = req.bodyAs(StorageVolumeSnapshotsPost.class);
        if (body.name() != null && !body.name().equals(req.param("snap"))) {
            throw ApiException.badRequest("Use POST to rename a snapshot");
        }
        custom.updateSnapshot(v.pool(), v.name(), req.param("snap"), body.description(), body.expiresAt());
        events.lifecycle("storage-volume-snapshot-updated", url(v.pool(), v.name(), req.param("snap")), null, req.caller().requestor());
        return Reply.empty();
    }

    /** Async, as LXD: its clients wait on the operation. The snapshot and the new name are checked first (4xx). */
    public Reply rename(ApiRequest req) throws Exception {
        StorageVolumeTable.Row v = volume(req);
        StorageVolumeSnapshotsPost body = req.bodyAs(StorageVolumeSnapshotsPost.class);
        if (body.description() != null || body.expiresAt() != null) {
            throw ApiException.badRequest("Only \"name\" may be given to rename a snapshot");
        }
        String snap = req.param("snap");
        custom.snapshot(v.pool(), v.name(), snap);
        String to = CustomVolumes.snapshotName(body.name());
        EventBus.Requestor who = req.caller().requestor();
        Map<String, List<String>> res = Map.of("storage_volumes", List.of(StorageVolumeRoutes.url(v.pool(), "custom", v.name())));
        return Reply.async(operations.startTask(Operations.Spec.task("Renaming storage volume snapshot", res), ctx -> {
            custom.renameSnapshot(v.pool(), v.name(), snap, to);
            events.lifecycle("storage-volume-snapshot-renamed", url(v.pool(), v.name(), to), Map.of("old_name", snap), who);
            return null;
        }).view());
    }

    /** Async, as LXD. */
    public Reply delete(ApiRequest req) throws Exception {
        StorageVolumeTable.Row v = volume(req);
        String snap = req.param("snap");
        custom.snapshot(v.pool(), v.name(), snap);
        EventBus.Requestor who = req.caller().requestor();
        Map<String, List<String>> res = Map.of("storage_volumes", List.of(StorageVolumeRoutes.url(v.pool(), "custom", v.name())));
        return Reply.async(operations.startTask(Operations.Spec.task("Deleting storage volume snapshot", res), ctx -> {
            custom.deleteSnapshot(v.pool(), v.name(), snap);
            events.lifecycle("storage-volume-snapshot-deleted", url(v.pool(), v.name(), snap), null, who);
            return null;
        }).view());
    }
}
