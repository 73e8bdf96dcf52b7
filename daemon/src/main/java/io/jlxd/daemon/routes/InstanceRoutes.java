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
import io.jlxd.daemon.project.ProjectKeys;
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
    private final io.jlxd.daemon.project.Projects projects;

    public InstanceRoutes(InstanceManager instances, InstanceCopies copies, SnapshotRestore restore,
                          io.jlxd.daemon.project.Projects projects, io.jlxd.daemon.migration.MigrationService migrations) {
        this.projects = projects;
        this.migrations = migrations;
        this.instances = instances;
        this.copies = copies;
        this.restore = restore;
    }

    public Reply list(ApiRequest req) {
        int recursion = req.recursion(2);
        ListFilter filter = req.query("filter").filter(f -> !f.isBlank()).map(ListFilter::parse).orElse(null);
        boolean fullForFilter = filter != null && (filter.uses("state") || filter.uses("snapshots"));
        List<Object> out = new ArrayList<>();
        java.util.function.Predicate<String> listed = req.projectsToList();
        List<InstanceTable.Row> rows = new ArrayList<>();
        for (String name : instances.names()) {
            if (!listed.test(ProjectKeys.project(name))) {
                continue;
            }
            if (recursion == 0 && filter == null) {
                out.add(InstanceManager.url(name));
                continue;
            }
            try {
                rows.add(instances.row(name));
            } catch (ApiException e) {
                // deleted meanwhile
            }
        }
        // each instance's state waits on its container's monitor (liblxc's command socket): many at a time
        boolean full = recursion == 2 || fullForFilter;
        List<Object> objs = full ? Parallel.map(rows, instances::full) : rows.stream().map(r -> (Object) instances.view(r)).toList();
        for (int i = 0; i < rows.size(); i++) {
            InstanceTable.Row r = rows.get(i);
            Object obj = objs.get(i);
            if (filter != null && !filter.matches(Json.lenient().valueToTree(obj))) {
                continue;
            }
            out.add(recursion == 0 ? InstanceManager.url(r.name()) : recursion == 1 && fullForFilter ? instances.view(r) : obj);
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
            return Reply.async(migrations.target(req.project(), posted, req.caller().requestor()).view());
        }
        if (Boolean.TRUE.equals(posted.stateful())) {
            throw ApiException.badRequest("\"stateful\" is not supported when creating an instance");
        }
        InstancesPost body = copies.prepare(copySourceKey(req, posted));
        return Reply.async(instances.create(req.project(), body, req.caller().requestor()).view());
    }

    /**
     * A copy's source names an instance of the request's project, or of {@code source.project} (which the caller
     * must be allowed to use): the source is rewritten to that instance's key.
     */
    private InstancesPost copySourceKey(ApiRequest req, InstancesPost p) {
        io.jlxd.api.instance.InstanceSource s = p.source();
        if (s == null || !"copy".equals(s.type()) || s.source() == null || s.source().isEmpty()) {
            return p;
        }
        String project = s.project() == null || s.project().isEmpty() ? req.project() : s.project();
        if (!req.caller().mayUseProject(project) || !project.equals(req.project()) && !projects.exists(project)) {
            throw ApiException.notFound("Source instance \"" + s.source() + "\" not found");
        }
        int slash = s.source().indexOf('/');
        String inst = slash < 0 ? s.source() : s.source().substring(0, slash);
        if (inst.indexOf('_') >= 0) {
            throw ApiException.notFound("Source instance \"" + s.source() + "\" not found");
        }
        String key = ProjectKeys.key(project, inst) + (slash < 0 ? "" : s.source().substring(slash));
        io.jlxd.api.instance.InstanceSource src = new io.jlxd.api.instance.InstanceSource(s.type(), s.alias(), s.fingerprint(),
                s.properties(), s.server(), s.protocol(), key, s.instanceOnly(), s.containerOnly(), s.mode(), s.operation(), s.secrets(),
                s.certificate(), s.live(), s.secret(), s.baseImage(), s.refresh(), null, s.allowInconsistent());
        return new InstancesPost(p.name(), p.type(), src, p.architecture(), p.config(), p.devices(), p.ephemeral(), p.profiles(),
                p.description(), p.start(), p.instanceType(), p.stateful());
    }

    public Reply get(ApiRequest req) {
        int recursion = req.recursion(1);
        InstanceTable.Row r = instances.row(req.instanceKey());
        return Reply.sync(recursion == 0 ? instances.view(r) : instances.full(r), InstanceManager.etag(r));
    }

    public Reply put(ApiRequest req) {
        return update(req, false);
    }

    public Reply patch(ApiRequest req) {
        return update(req, true);
    }

    private Reply update(ApiRequest req, boolean patch) {
        InstanceTable.Row r = instances.row(req.instanceKey());
        InstancePut body = req.bodyAs(InstancePut.class);
        HostPathDisks.checkAccess(req.caller(), body.devices());
        String etag = InstanceManager.etag(r);
        req.checkEtag(etag);
        if (!patch && body.restore() != null && !body.restore().isEmpty()) {
            String snap = body.restore();
            String shortName = ProjectKeys.name(r.name());
            if (snap.startsWith(shortName + "/")) { // "c1/snap0", as lxc sends it, is c1's "snap0" (LXD takes both)
                snap = snap.substring(shortName.length() + 1);
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
        return Reply.async(instances.delete(req.instanceKey(), req.caller().requestor()).view());
    }

    public Reply rename(ApiRequest req) {
        String name = req.instanceKey();
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
        return Reply.sync(instances.state(req.instanceKey()));
    }

    public Reply putState(ApiRequest req) {
        String name = req.instanceKey();
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
        return Reply.sync(instances.checkpoint(req.instanceKey(), probe.equals("true")));
    }
}
