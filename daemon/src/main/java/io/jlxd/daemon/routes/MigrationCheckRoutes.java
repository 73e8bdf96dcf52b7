package io.jlxd.daemon.routes;

import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.instance.MigrationPreflight;

/** {@code GET /1.0/instances/{name}/migration}: the pre-flight of a move (blockers of a live move, bytes, downtime). */
public final class MigrationCheckRoutes {
    private final MigrationPreflight preflight;

    public MigrationCheckRoutes(MigrationPreflight preflight) {
        this.preflight = preflight;
    }

    public Reply get(ApiRequest req) throws Exception {
        return Reply.sync(preflight.check(req.instanceKey()));
    }
}
