package io.jlxd.daemon.routes;

import io.jlxd.api.project.ProjectPost;
import io.jlxd.api.project.ProjectPut;
import io.jlxd.api.project.ProjectsPost;
import io.jlxd.daemon.db.ProjectTable;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.ConfigPatch;
import io.jlxd.daemon.http.Etag;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.project.Projects;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /1.0/projects}: list, create, show, replace, update, rename, delete and {@code /state}. A restricted
 * certificate sees only its projects and changes none (that would lift its own restrictions).
 */
public final class ProjectRoutes {
    public static final String PROJECTS = "/1.0/projects";
    private final Projects projects;
    private final EventBus events;

    private final io.jlxd.daemon.ops.Operations operations;

    public ProjectRoutes(Projects projects, io.jlxd.daemon.ops.Operations operations, EventBus events) {
        this.projects = projects;
        this.operations = operations;
        this.events = events;
    }

    private static String etag(ProjectTable.Row r) {
        return Etag.of(r.description(), new TreeMap<>(r.config()));
    }

    public Reply list(ApiRequest req) {
        int recursion = req.recursion(1);
        List<Object> out = new ArrayList<>();
        for (String n : projects.names()) {
            if (!req.caller().mayUseProject(n)) {
                continue;
            }
            if (recursion == 0) {
                out.add(PROJECTS + "/" + n);
            } else {
                out.add(projects.view(projects.row(n)));
            }
        }
        return Reply.sync(out);
    }

    public Reply create(ApiRequest req) {
        ProjectsPost body = req.bodyAs(ProjectsPost.class);
        ProjectTable.Row r = projects.create(body.name(), body.description(), body.config());
        events.lifecycle("project-created", PROJECTS + "/" + r.name(), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply get(ApiRequest req) {
        ProjectTable.Row r = projects.row(req.param("name"));
        return Reply.sync(projects.view(r), etag(r));
    }

    public Reply state(ApiRequest req) {
        return Reply.sync(projects.state(req.param("name")));
    }

    public Reply put(ApiRequest req) {
        return update(req, false);
    }

    public Reply patch(ApiRequest req) {
        return update(req, true);
    }

    private Reply update(ApiRequest req, boolean patch) {
        ProjectTable.Row cur = projects.row(req.param("name"));
        ProjectPut body = req.bodyAs(ProjectPut.class);
        req.checkEtag(etag(cur));
        Map<String, String> given = body.config() == null ? Map.of() : body.config();
        Map<String, String> config = patch ? ConfigPatch.apply(cur.config(), given, true) : given;
        String description = body.description() == null ? (patch ? cur.description() : "") : body.description();
        projects.update(cur, description, config);
        events.lifecycle("project-updated", PROJECTS + "/" + cur.name(), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply rename(ApiRequest req) {
        String name = req.param("name");
        ProjectPost body = req.bodyAs(ProjectPost.class);
        if (body.name() == null || body.name().isEmpty()) {
            throw ApiException.badRequest("No name provided");
        }
        projects.checkRename(name, body.name());
        EventBus.Requestor who = req.caller().requestor();
        // an operation, as LXD's rename is
        return Reply.async(operations.startTask(io.jlxd.daemon.ops.Operations.Spec.task("Renaming project",
                Map.of("projects", List.of(PROJECTS + "/" + name))), ctx -> {
                    projects.rename(name, body.name());
                    events.lifecycle("project-renamed", PROJECTS + "/" + body.name(), Map.of("old_name", name), who);
                    return null;
                }).view());
    }

    public Reply delete(ApiRequest req) {
        String name = req.param("name");
        projects.delete(name);
        events.lifecycle("project-deleted", PROJECTS + "/" + name, null, req.caller().requestor());
        return Reply.empty();
    }
}
