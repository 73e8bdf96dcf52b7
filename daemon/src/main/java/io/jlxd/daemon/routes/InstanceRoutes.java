package io.jlxd.daemon.routes;

import io.jlxd.api.Json;
import io.jlxd.api.instance.InstancePost;
import io.jlxd.api.instance.InstancePut;
import io.jlxd.api.instance.InstanceStatePut;
import io.jlxd.api.instance.InstancesPost;
import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.ListFilter;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.storage.HostPathDisks;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.snapshot.InstanceCopies;
import io.jlxd.daemon.snapshot.SnapshotRestore;
import java.util.ArrayList;
import java.util.List;

/** {@code /1.0/instances}: list, create, show, update, delete, rename, {@code /state} and {@code /checkpoint}. */
public final class InstanceRoutes {
    private final InstanceManager instances;
    private final InstanceCopies copies;
    private final SnapshotRestore restore;
    private final io.jlxd.daemon.migration.MigrationService migrations;

    public InstanceRoutes(InstanceManager instances, InstanceCopies copies, SnapshotRestore restore,
                          io.jlxd.daemon.migration.MigrationService migrations) {
        this.instances = instances;
        this.copies = copies;
        this.restore = restore;
        this.migrations = migrations;
    }

    public Reply list(ApiRequest req) {
        int recursion = req.recursion(2);
        ListFilter filter = req.query("filter").filter(f -> !f.isBlank()).map(ListFilter::parse).orElse(null);
        boolean fullForFilter = filter != null && (filter.uses("state") || filter.uses("snapshots"));
        List<Object> out = new ArrayList<>();
        for (String name : instances.names()) {
            if (recursion == 0 && filter == null) {
                out.add(InstanceManager.url(name));
                continue;
            }
            InstanceTable.Row r;
            try {
                r = instances.row(name);
            } catch (ApiException e) {
                continue; // deleted meanwhile
            }
            Object obj = recursion == 2 || fullForFilter ? instances.full(r) : instances.view(r);
            if (filter != null && !filter.matches(Json.lenient().valueToTree(obj))) {
                continue;
            }
            out.add(recursion == 0 ? InstanceManager.url(name) : recursion == 1 && fullForFilter ? instances.view(r) : obj);
        }
        return Reply.sync(out);
    }

    public Reply create(ApiRequest req) {
        InstancesPost posted = req.bodyAs(InstancesPost.class);
        HostPathDisks.checkAccess(req.caller(), posted.devices());
        if (posted.source() != null && posted.source().unsupported() != null) {
            throw ApiException.badRequest("The source field \"" + posted.source().unsupported() + "\" is not supported");
        }
        if (posted.source() != null && "migration".equals(posted.source().type())) {
            return Reply.async(migrations.target(posted, req.caller().requestor()).view());
        }
        if (Boolean.TRUE.equals(posted.stateful())) {
            throw ApiException.badRequest("\"stateful\" is not supported when creating an instance");
        }
        InstancesPost body = copies.prepare(posted);
        return Reply.async(instances.create(body, req.caller().requestor()).view());
    }

    public Reply get(ApiRequest req) {
        int recursion = req.recursion(1);
        InstanceTable.Row r = instances.row(req.param("name"));
        return Reply.sync(recursion == 0 ? instances.view(r) : instances.full(r), InstanceManager.etag(r));
    }

    public Reply put(ApiRequest req) {
        return update(req, false);
    }

    public Reply patch(ApiRequest req) {
        return update(req, true);
    }

    private Reply update(ApiRequest req, boolean patch) {
        InstanceTable.Row r = instances.row(req.param("name"));
        InstancePut body = req.bodyAs(InstancePut.class);
        HostPathDisks.checkAccess(req.caller(), body.devices());
        String etag = InstanceManager.etag(r);
        req.checkEtag(etag);
        if (!patch && body.restore() != null && !body.restore().isEmpty()) {
            String snap = body.restore();
            if (snap.startsWith(r.name() + "/")) { // "c1/snap0", as lxc sends it, is c1's "snap0" (LXD takes both)
                snap = snap.substring(r.name().length() + 1);
            }
            return Reply.async(restore.restore(r.name(), snap, Boolean.TRUE.equals(body.stateful()), req.caller().requestor()).view());
        }
        if (patch) {
            instances.update(r.name(), body, true, false, req.caller().requestor());
            return Reply.empty();
        }
        return Reply.async(instances.update(r.name(), body, false, true, req.caller().requestor()).view());
    }

    public Reply delete(ApiRequest req) {
        return Reply.async(instances.delete(req.param("name"), req.caller().requestor()).view());
    }

    public Reply rename(ApiRequest req) {
        String name = req.param("name");
        instances.row(name);
        InstancePost body = req.bodyAs(InstancePost.class);
        if (Boolean.TRUE.equals(body.migration())) {
            return Reply.async(migrations.source(name, body, req.caller().requestor()).view());
        }
        if (Boolean.TRUE.equals(body.live())) {
            throw ApiException.badRequest("\"live\" applies to migrations (\"migration\": true)");
        }
        if (body.unsupported() != null) {
            throw ApiException.badRequest("The field \"" + body.unsupported() + "\" is not supported");
        }
        if (body.name() == null || body.name().isEmpty()) {
            throw ApiException.badRequest("A new name is required");
        }
        return Reply.async(instances.rename(name, body.name(), req.caller().requestor()).view());
    }

    public Reply getState(ApiRequest req) {
        return Reply.sync(instances.state(req.param("name")));
    }

    public Reply putState(ApiRequest req) {
        String name = req.param("name");
        instances.row(name);
        InstanceStatePut body = req.bodyAs(InstanceStatePut.class);
        return Reply.async(instances.changeState(name, body, req.caller().requestor()).view());
    }

    /** {@code GET .../checkpoint[?probe=true]}: can CRIU checkpoint the instance, and what blocks it. */
    public Reply checkpoint(ApiRequest req) throws Exception {
        String probe = req.query("probe").orElse("false");
        if (!probe.equals("true") && !probe.equals("false") && !probe.isEmpty()) {
            throw ApiException.badRequest("Invalid value for query parameter \"probe\": \"" + probe + "\" (true or false)");
        }
        return Reply.sync(instances.checkpoint(req.param("name"), probe.equals("true")));
    }
}
