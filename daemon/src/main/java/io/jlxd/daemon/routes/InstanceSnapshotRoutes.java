package io.jlxd.daemon.routes;

import io.jlxd.api.instance.InstanceSnapshotPost;
import io.jlxd.api.instance.InstanceSnapshotPut;
import io.jlxd.api.instance.InstanceSnapshotsPost;
import io.jlxd.daemon.db.SnapshotTable;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.migration.MigrationService;
import io.jlxd.daemon.snapshot.InstanceSnapshots;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /1.0/instances/{name}/snapshots}: list, create, show, expiry, rename or migrate (copy to another daemon), delete.
 * Restore is PUT on the instance.
 */
public final class InstanceSnapshotRoutes {
    private final InstanceSnapshots snapshots;
    private final MigrationService migrations;

    public InstanceSnapshotRoutes(InstanceSnapshots snapshots, MigrationService migrations) {
        this.snapshots = snapshots;
        this.migrations = migrations;
    }

    public Reply list(ApiRequest req) {
        String name = req.instanceKey();
        int recursion = req.recursion(1);
        List<Object> out = new ArrayList<>();
        for (SnapshotTable.Row r : snapshots.list(name)) {
            out.add(recursion == 0 ? InstanceSnapshots.url(name, r.name()) : snapshots.view(r));
        }
        return Reply.sync(out);
    }

    public Reply create(ApiRequest req) {
        String name = req.instanceKey();
        snapshots.list(name);
        InstanceSnapshotsPost body = req.bodyAs(InstanceSnapshotsPost.class);
        return Reply.async(snapshots.create(name, body.name(), Boolean.TRUE.equals(body.stateful()), body.expiresAt(),
                req.caller().requestor()).view());
    }

    public Reply get(ApiRequest req) {
        SnapshotTable.Row r = snapshots.row(req.instanceKey(), req.param("snap"));
        return Reply.sync(snapshots.view(r), InstanceSnapshots.etag(r));
    }

    public Reply put(ApiRequest req) {
        return update(req);
    }

    public Reply patch(ApiRequest req) {
        return update(req);
    }

    /** PUT and PATCH are the same: expires_at is the only writable field (absent or zero time: never expires). */
    private Reply update(ApiRequest req) {
        SnapshotTable.Row r = snapshots.row(req.instanceKey(), req.param("snap"));
        InstanceSnapshotPut body = req.bodyAs(InstanceSnapshotPut.class);
        req.checkEtag(InstanceSnapshots.etag(r));
        return Reply.async(snapshots.setExpiry(r.instance(), r.name(), body.expiresAt(), req.caller().requestor()).view());
    }

    public Reply rename(ApiRequest req) {
        SnapshotTable.Row r = snapshots.row(req.instanceKey(), req.param("snap"));
        InstanceSnapshotPost body = req.bodyAs(InstanceSnapshotPost.class);
        if (Boolean.TRUE.equals(body.migration())) {
            return Reply.async(migrations.snapshotSource(r.instance(), r.name(), body.target(), Boolean.TRUE.equals(body.live())).view());
        }
        if (Boolean.TRUE.equals(body.live()) || body.target() != null) {
            throw ApiException.badRequest("\"live\" and \"target\" apply to migrations (\"migration\": true)");
        }
        if (body.name() == null || body.name().isEmpty()) {
            throw ApiException.badRequest("A new name is required");
        }
        return Reply.async(snapshots.rename(r.instance(), r.name(), body.name(), req.caller().requestor()).view());
    }

    public Reply delete(ApiRequest req) {
        SnapshotTable.Row r = snapshots.row(req.instanceKey(), req.param("snap"));
        return Reply.async(snapshots.delete(r.instance(), r.name(), req.caller().requestor()).view());
    }
}
