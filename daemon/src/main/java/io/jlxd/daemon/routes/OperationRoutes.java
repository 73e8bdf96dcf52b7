package io.jlxd.daemon.routes;

import io.jlxd.api.Operation;
import io.jlxd.api.OperationClass;
import io.jlxd.api.Paths;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.Operations;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /1.0/operations}: list, show, cancel and wait for background operations. */
public final class OperationRoutes {
    private final Operations operations;

    public OperationRoutes(Operations operations) {
        this.operations = operations;
    }

    /** Grouped by lower-case status, as LXD does; URLs at recursion 0, objects at 1. */
    public Reply list(ApiRequest req) {
        int recursion = req.recursion(1);
        Map<String, List<Object>> groups = new LinkedHashMap<>();
        List<Op> all = new ArrayList<>(operations.all());
        all.sort(Comparator.comparing((Op o) -> o.view().createdAt()));
        java.util.function.Predicate<String> listed = req.projectsToList();
        for (Op op : all) {
            String project = io.jlxd.daemon.events.EventBus.projectOf(op.view());
            if (!visible(req, op) || !project.isEmpty() && !listed.test(project)) {
                continue; // LXD: an operation of another project is not listed; server-wide ones are
            }
            Operation view = op.view();
            groups.computeIfAbsent(view.status().toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
                    .add(recursion == 0 ? Paths.operation(view.id()) : view);
        }
        return Reply.sync(groups);
    }

    public Reply get(ApiRequest req) {
        return Reply.sync(find(req).view());
    }

    public Reply delete(ApiRequest req) {
        operations.cancel(find(req).id());
        return Reply.empty();
    }

    public Reply await(ApiRequest req) throws InterruptedException {
        String raw = req.query("timeout").orElse("-1");
        double timeout;
        try {
            timeout = raw.isEmpty() ? -1 : Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Invalid value for query parameter \"timeout\": \"" + raw + "\" is not a number");
        }
        return Reply.sync(operations.await(find(req).id(), timeout));
    }

    /** The operation of the {id} parameter, 404 when the caller may not see it. */
    private Op find(ApiRequest req) {
        Op op = operations.get(req.param("id"));
        if (!visible(req, op)) {
            throw ApiException.notFound("Operation not found: " + op.id());
        }
        return op;
    }

    /**
     * Trust tokens are server-wide: a certificate restricted to projects does not see them, nor the operations of
     * projects it may not use.
     */
    private static boolean visible(ApiRequest req, Op op) {
        if (req.caller().fullyTrusted()) {
            return true;
        }
        String project = io.jlxd.daemon.events.EventBus.projectOf(op.view());
        return op.operationClass() != OperationClass.TOKEN && (project.isEmpty() || req.caller().mayUseProject(project));
    }
}
