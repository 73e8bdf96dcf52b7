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
    private final io.jlxd.daemon.project.ProjectFeatures features;

    public StorageVolumeSnapshotRoutes(CustomVolumes custom, Operations operations, EventBus events,
                                       io.jlxd.daemon.project.ProjectFeatures features) {
        this.custom = custom;
        this.operations = operations;
        this.events = events;
        this.features = features;
    }

    /** A snapshot's URL, by the volume's stored key: the volume's name in its project, and the project's query. */
    private String url(StorageVolumeTable.Row v, String snap) {
        return StorageVolumeRoutes.customUrl(features, v.pool(), v.name(), "/snapshots/" + snap);
    }

    private String volUrl(StorageVolumeTable.Row v) {
        return StorageVolumeRoutes.customUrl(features, v.pool(), v.name(), "");
    }

    private StorageVolumeSnapshot view(StorageVolumeTable.Row vol, StorageVolumeTable.Snapshot s) {
        return new StorageVolumeSnapshot(s.name(), s.description(), "filesystem", vol.config(), s.createdAt(), s.expiresAt());
    }

    private StorageVolumeTable.Row volume(ApiRequest req) {
        StorageVolumeRoutes.requireCustom(req.param("type"));
        return custom.row(req.param("pool"), StorageVolumeRoutes.customKey(features, req, req.param("name")));
    }

    public Reply list(ApiRequest req) {
        StorageVolumeTable.Row v = volume(req);
        int recursion = req.recursion(1);
        List<Object> out = new ArrayList<>();
        for (StorageVolumeTable.Snapshot s : custom.snapshots(v.pool(), v.name())) {
            out.add(recursion == 0 ? url(v, s.name()) : view(v, s));
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
        Map<String, List<String>> res = Map.of("storage_volumes", List.of(volUrl(v)));
        return Reply.async(operations.startTask(Operations.Spec.task("Creating storage volume snapshot", res), ctx -> {
            custom.createSnapshot(v.pool(), v.name(), snap, body.description(), body.expiresAt());
            events.lifecycle("storage-volume-snapshot-created", url(v, snap), null, who);
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
        events.lifecycle("storage-volume-snapshot-updated", url(v, req.param("snap")), null, req.caller().requestor());
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
        Map<String, List<String>> res = Map.of("storage_volumes", List.of(volUrl(v)));
        return Reply.async(operations.startTask(Operations.Spec.task("Renaming storage volume snapshot", res), ctx -> {
            custom.renameSnapshot(v.pool(), v.name(), snap, to);
            events.lifecycle("storage-volume-snapshot-renamed", url(v, to), Map.of("old_name", snap), who);
            return null;
        }).view());
    }

    /** Async, as LXD. */
    public Reply delete(ApiRequest req) throws Exception {
        StorageVolumeTable.Row v = volume(req);
        String snap = req.param("snap");
        custom.snapshot(v.pool(), v.name(), snap);
        EventBus.Requestor who = req.caller().requestor();
        Map<String, List<String>> res = Map.of("storage_volumes", List.of(volUrl(v)));
        return Reply.async(operations.startTask(Operations.Spec.task("Deleting storage volume snapshot", res), ctx -> {
            custom.deleteSnapshot(v.pool(), v.name(), snap);
            events.lifecycle("storage-volume-snapshot-deleted", url(v, snap), null, who);
            return null;
        }).view());
    }
}
