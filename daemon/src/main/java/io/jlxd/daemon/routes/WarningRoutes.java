package io.jlxd.daemon.routes;

import io.jlxd.api.WarningPut;
import io.jlxd.daemon.db.WarningTable;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.warnings.Warnings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code /1.0/warnings}: list, show, acknowledge (PUT/PATCH status), delete, as LXD. */
public final class WarningRoutes {
    public static final String WARNINGS = "/1.0/warnings";
    private static final Set<String> SETTABLE = Set.of("acknowledged", "new");

    private final Warnings warnings;

    public WarningRoutes(Warnings warnings) {
        this.warnings = warnings;
    }

    private WarningTable.Row row(String uuid) {
        return warnings.table().get(uuid).orElseThrow(() -> ApiException.notFound("Warning not found"));
    }

    public Reply list(ApiRequest req) {
        int recursion = req.recursion(1);
        List<Object> out = new ArrayList<>();
        for (WarningTable.Row r : warnings.table().list()) {
            out.add(recursion == 0 ? WARNINGS + "/" + r.uuid() : warnings.view(r));
        }
        return Reply.sync(out);
    }

    public Reply get(ApiRequest req) {
        return Reply.sync(warnings.view(row(req.param("uuid"))));
    }

    /** PUT and PATCH: the only field is the status (acknowledged or new; resolved is the daemon's). */
    public Reply put(ApiRequest req) {
        WarningPut body = req.bodyAs(WarningPut.class);
        row(req.param("uuid"));
        if (body.status() == null || !SETTABLE.contains(body.status())) {
            throw ApiException.badRequest("Invalid warning status \"" + body.status() + "\" (acknowledged or new)");
        }
        if (!warnings.table().setStatus(req.param("uuid"), body.status())) {
            throw ApiException.notFound("Warning not found");
        }
        return Reply.empty();
    }

    public Reply delete(ApiRequest req) {
        if (!warnings.table().delete(req.param("uuid"))) {
            throw ApiException.notFound("Warning not found");
        }
        return Reply.empty();
    }
}
