package io.jlxd.daemon.http;

import static io.helidon.http.Method.DELETE;
import static io.helidon.http.Method.GET;
import static io.helidon.http.Method.PATCH;
import static io.helidon.http.Method.POST;
import static io.helidon.http.Method.PUT;
import static io.jlxd.daemon.http.Access.PUBLIC;
import static io.jlxd.daemon.http.Access.TRUSTED;

import io.jlxd.daemon.routes.CertificateRoutes;
import io.jlxd.daemon.routes.OperationRoutes;
import io.jlxd.daemon.routes.ServerRoutes;
import java.util.List;

/**
 * THE table of REST endpoints: every route the daemon serves is one line here, and {@code openapi.yaml} describes
 * each of them (a unit test compares the two). Websocket endpoints are served by the listener's WsRouting; their
 * plain-HTTP line here answers 400 to a request that is not an upgrade.
 */
public final class Endpoints {
    private Endpoints() {
    }

    /** The handlers of every resource family. */
    public record Routes(ServerRoutes server, OperationRoutes operations, CertificateRoutes certificates) {
    }

    public static List<Endpoint> all(Routes r) {
        return List.of(
                // method  path                                    access   handler                           summary
                new Endpoint(GET, "/", PUBLIC, r.server()::root, "API versions"),
                new Endpoint(GET, "/1.0", PUBLIC, r.server()::get, "Server information and configuration"),
                new Endpoint(PUT, "/1.0", TRUSTED, r.server()::put, "Replace the server configuration"),
                new Endpoint(PATCH, "/1.0", TRUSTED, r.server()::patch, "Update server configuration keys"),
                new Endpoint(GET, "/1.0/events", TRUSTED, Endpoints::websocketOnly, "Event stream (websocket)"),
                new Endpoint(GET, "/1.0/operations", TRUSTED, r.operations()::list, "List operations"),
                new Endpoint(GET, "/1.0/operations/{id}", TRUSTED, r.operations()::get, "Show an operation"),
                new Endpoint(DELETE, "/1.0/operations/{id}", TRUSTED, r.operations()::delete, "Cancel an operation"),
                new Endpoint(GET, "/1.0/operations/{id}/wait", TRUSTED, r.operations()::await, "Wait for an operation"),
                new Endpoint(GET, "/1.0/certificates", TRUSTED, r.certificates()::list, "List trusted certificates"),
                new Endpoint(POST, "/1.0/certificates", PUBLIC, r.certificates()::post, "Trust a certificate, create or redeem a trust token"),
                new Endpoint(GET, "/1.0/certificates/{fingerprint}", TRUSTED, r.certificates()::get, "Show a trusted certificate"),
                new Endpoint(DELETE, "/1.0/certificates/{fingerprint}", TRUSTED, r.certificates()::delete, "Remove a trusted certificate"));
    }

    private static Reply websocketOnly(ApiRequest req) {
        throw ApiException.badRequest("This endpoint needs a websocket upgrade (Connection: Upgrade, Upgrade: websocket)");
    }
}
