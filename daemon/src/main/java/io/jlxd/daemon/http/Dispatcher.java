package io.jlxd.daemon.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.jlxd.api.ErrorMessages;
import io.jlxd.api.Json;
import io.jlxd.api.Response;
import io.jlxd.api.config.ConfigException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one Helidon handler of a listener: routes every request through the endpoint table, checks access, runs
 * the handler and writes LXD's envelope. Errors of any kind end as an error envelope, never as a bare page.
 */
public final class Dispatcher implements Handler {
    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
    /** One INFO line per changing request: who (local user or certificate) did what. */
    private static final Logger AUDIT = Logger.getLogger("io.jlxd.daemon.audit");

    /**
     * The largest body an untrusted caller may send (its only endpoint with a body is the token redemption of
     * POST /1.0/certificates, a few KiB); it must be declared with Content-Length, so nothing more is ever read.
     */
    public static final long UNTRUSTED_BODY_LIMIT = 64 * 1024;

    private final Router router;
    private final CallerResolver callers;

    /** Decides who the caller of a request is (trusted or not) for this listener. */
    @FunctionalInterface
    public interface CallerResolver {
        ApiRequest.Caller resolve(ServerRequest request);
    }

    public Dispatcher(Router router, CallerResolver callers) {
        this.router = router;
        this.callers = callers;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Method method = req.prologue().method();
        String path = req.path().path();
        Reply reply;
        ApiRequest.Caller caller = null;
        try {
            caller = callers.resolve(req);
            if (!caller.trusted()) {
                // one request per connection: an untrusted client cannot hold a connection open between requests,
                // and a body left unread is never drained
                res.header(HeaderNames.CONNECTION, "close");
                checkUntrustedBody(req);
            }
            reply = route(req, method, path, caller);
        } catch (ApiException e) {
            reply = error(e.status(), e.getMessage());
        } catch (ConfigException e) {
            reply = error(400, e.getMessage());
        } catch (Exception e) {
            LOG.log(Level.WARNING, method.text() + " " + path + " failed", e);
            reply = error(500, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        write(res, reply, method.equals(Method.HEAD));
        if (caller == null || !caller.trusted()) {
            // Helidon keeps a connection open after a handler's "Connection: close" when the request had no body:
            // end it here, after the answer was sent
            throw new io.helidon.webserver.CloseConnectionException("one request per untrusted connection");
        }
    }

    /** Refuses an untrusted body before a byte of it is read: undeclared (chunked) or over the limit. */
    private static void checkUntrustedBody(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return;
        }
        long length = req.headers().contentLength().orElse(-1L);
        if (length < 0) {
            throw new ApiException(411, "Length Required: untrusted clients must send Content-Length");
        }
        if (length > UNTRUSTED_BODY_LIMIT) {
            throw ApiException.tooLarge("Request body too large: " + length + " bytes, limit is " + UNTRUSTED_BODY_LIMIT
                    + " for untrusted clients");
        }
    }

    private Reply route(ServerRequest req, Method method, String path, ApiRequest.Caller caller) throws Exception {
        Router.Match match = router.match(method, path);
        return switch (match) {
            case Router.NotFound ignored -> throw ApiException.notFound("Not Found: " + path);
            case Router.WrongMethod wrong -> {
                Reply.Raw raw = errorRaw(405, "Method " + method.text() + " not allowed on " + path);
                yield new Reply.Raw(raw.status(), raw.contentType(), raw.body(), Map.of("Allow", String.join(", ", wrong.allowed())));
            }
            case Router.Found found -> {
                found.params().forEach((k, v) -> {
                    if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                        throw ApiException.badRequest("The " + k + " in the path contains a control character");
                    }
                });
                String project = accessProject(req, found);
                if (!found.endpoint().access().allows(caller, project)) {
                    throw ApiException.forbidden(caller.trusted() ? "Certificate is restricted" : "not authorized");
                }
                if (!caller.fullyTrusted() && !method.equals(Method.GET) && !method.equals(Method.HEAD)
                        && router.sharedWithDefault(project, found.endpoint().path()) && !caller.mayUseProject(ApiRequest.DEFAULT_PROJECT)) {
                    throw ApiException.forbidden("Project \"" + project + "\" uses the default project's images, profiles and "
                            + "custom volumes (features off): changing them needs access to project \"default\"");
                }
                String named = req.query().first("project").orElse("");
                if (!named.isEmpty() && !router.projectExists(named)) {
                    throw ApiException.notFound("Project not found");
                }
                if (method.equals(Method.GET) || method.equals(Method.HEAD)) {
                    yield found.endpoint().handler().handle(toApiRequest(req, method, path, found.params(), caller));
                }
                AUDIT.info(method.text() + " " + path + " by " + caller.describe());
                io.jlxd.daemon.ops.ActivityGate.GLOBAL.enter(); // the garbage collector waits for a quiet moment
                try {
                    yield found.endpoint().handler().handle(toApiRequest(req, method, path, found.params(), caller));
                } finally {
                    io.jlxd.daemon.ops.ActivityGate.GLOBAL.exit();
                }
            }
        };
    }

    /**
     * The project an access check is about: the {@code {name}} of {@code /1.0/projects/{name}...}, any project for
     * {@code /1.0/operations/{id}...} (the operation's project is checked by its handler), any project for
     * the list of projects and {@code all-projects=true} lists (each caller sees its own), else {@code ?project=} (default {@code default}).
     */
    private static String accessProject(ServerRequest req, Router.Found found) {
        String path = found.endpoint().path();
        if (path.startsWith("/1.0/projects/")) {
            return found.params().get("name");
        }
        if (path.startsWith("/1.0/operations/{id}")) {
            return ApiRequest.ANY_PROJECT; // an operation is addressed by its id: its handler checks the operation's project (404)
        }
        String all = req.query().first("all-projects").orElse("");
        if (path.equals("/1.0/projects") || (all.equals("true") || all.equals("1")) && req.prologue().method().equals(Method.GET)) {
            return ApiRequest.ANY_PROJECT; // lists of every project: each caller sees those it may use
        }
        String project = req.query().first("project").orElse(ApiRequest.DEFAULT_PROJECT);
        return project.isEmpty() ? ApiRequest.DEFAULT_PROJECT : project;
    }

    private static ApiRequest toApiRequest(ServerRequest req, Method method, String path, Map<String, String> params,
                                           ApiRequest.Caller caller) {
        Map<String, String> query = new HashMap<>();
        for (String name : req.query().names()) {
            query.put(name, req.query().first(name).orElse(""));
        }
        long length = req.headers().contentLength().orElse(-1L);
        return new ApiRequest(method.text(), path, params, query,
                name -> req.headers().first(HeaderNames.create(name)), length,
                req.content().hasEntity() ? req.content().inputStream() : java.io.InputStream.nullInputStream(), caller);
    }

    /**
     * LXD's error envelope for what the HTTP layer refuses before a request reaches the dispatcher (a request line or
     * headers too long, a malformed request): Helidon's direct handlers answer with it instead of an empty page.
     */
    public static io.helidon.http.DirectHandler transportErrors() {
        return (req, event, status, headers, message) -> {
            String text = status.reasonPhrase();
            if (message != null && !message.isBlank()) {
                String clean = message.replaceAll("[\\p{Cntrl}]", " ").strip();
                text += ": " + (clean.length() > 200 ? clean.substring(0, 200) : clean);
            }
            return io.helidon.http.DirectHandler.TransportResponse.builder().status(status).headers(headers)
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .entity(bytes(Response.error(status.code(), text))).keepAlive(event.keepAlive()).build();
        };
    }

    private static Reply error(int status, String message) {
        return errorRaw(status, message);
    }

    private static Reply.Raw errorRaw(int status, String message) {
        return new Reply.Raw(status, "application/json", bytes(Response.error(status, message == null ? ErrorMessages.reason(status) : message)), Map.of());
    }

    private static void write(ServerResponse res, Reply reply, boolean head) {
        switch (reply) {
            case Reply.Sync sync -> {
                if (sync.etag() != null) {
                    res.header(HeaderNames.ETAG, "\"" + sync.etag() + "\"");
                }
                send(res, 200, "application/json", bytes(Response.sync(sync.metadata())), head);
            }
            case Reply.Async async -> {
                String location = Response.async(async.operation()).operation();
                res.header(HeaderNames.LOCATION, location);
                send(res, 202, "application/json", bytes(Response.async(async.operation())), head);
            }
            case Reply.Raw raw -> {
                raw.headers().forEach(res::header);
                send(res, raw.status(), raw.contentType(), raw.body(), head);
            }
            case Reply.Stream stream -> stream(res, stream, head);
        }
    }

    /** Streams a large body; a failure half way can only cut the connection (the status is already sent). */
    private static void stream(ServerResponse res, Reply.Stream stream, boolean head) {
        stream.headers().forEach(res::header);
        res.status(stream.status());
        res.header(HeaderNames.CONTENT_TYPE, stream.contentType());
        if (stream.length() >= 0) {
            res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(stream.length()));
        }
        if (head) {
            res.send();
            return;
        }
        try (java.io.OutputStream out = res.outputStream()) {
            stream.writer().write(out);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "streaming a response failed: " + e.getMessage());
        }
    }

    /** Sends the answer; a HEAD request gets the status and headers only (a body would corrupt a kept-alive connection). */
    private static void send(ServerResponse res, int status, String contentType, byte[] body, boolean head) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        if (head) {
            res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(body.length));
            res.send();
        } else {
            res.send(body);
        }
    }

    private static byte[] bytes(Object value) {
        try {
            return Json.lenient().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the response", e);
        }
    }
}
