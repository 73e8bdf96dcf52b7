package io.jlxd.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.Json;
import io.jlxd.api.Operation;
import io.jlxd.api.Paths;
import io.jlxd.cli.client.http.HttpExecutor;
import io.jlxd.cli.client.http.HttpRequest;
import io.jlxd.cli.client.http.HttpResponse;
import io.jlxd.cli.client.ws.UpgradeRefusedException;
import io.jlxd.cli.client.ws.WebSocket;
import java.io.Closeable;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.random.RandomGenerator;

/**
 * The jlxd API client: JSON requests, envelope parsing (errors become {@link ApiException}), ETags, operations
 * and WebSockets, over any {@link Transport}. Not thread-safe (one in-flight request at a time); WebSockets
 * have their own connections.
 */
public final class JlxdClient implements Closeable {
    public static final String JSON = "application/json";

    private final Transport transport;
    private final HttpExecutor http;
    private final String userAgent;
    private RandomGenerator random;
    /** The project every request names ({@code ?project=}), null for the server's default. */
    private String project;

    public JlxdClient(Transport transport, String userAgent) {
        this.transport = transport;
        this.http = new HttpExecutor(transport);
        this.userAgent = userAgent;
    }

    /** Makes every request name {@code project} ({@code default} or null: none, the server's default). */
    public JlxdClient project(String value) {
        project = value == null || value.isEmpty() || value.equals("default") ? null : value;
        return this;
    }

    /** The project requests name ("default" when none). */
    public String project() {
        return project == null ? "default" : project;
    }

    /** {@code path} with {@code project=} added, as LXD's clients do, unless it names a project already. */
    public String scoped(String path) {
        if (project == null || path.contains("project=") || path.contains("all-projects=") || path.startsWith("/1.0/projects")) {
            return path;
        }
        return path + (path.indexOf('?') >= 0 ? "&" : "?") + "project=" + URLEncoder.encode(project, StandardCharsets.UTF_8);
    }

    /** The transport, for streamed transfers on connections of their own ({@link Transfers}). */
    public Transport transport() {
        return transport;
    }

    /** Sends a request and returns the raw HTTP response, whatever it is. */
    public HttpResponse exchange(String method, String path, byte[] body, String contentType, String ifMatch)
            throws IOException {
        HttpRequest request = body == null ? HttpRequest.of(method, scoped(path))
                : HttpRequest.withBody(method, scoped(path), contentType, body);
        request.header("User-Agent", userAgent).header("Accept", JSON);
        if (ifMatch != null && !ifMatch.isEmpty()) {
            request.header("If-Match", ifMatch);
        }
        return http.execute(request);
    }

    /**
     * Sends a request with an optional JSON body (a {@code byte[]} is sent as is, anything else is serialised
     * with the shared mapper) and parses the envelope.
     */
    public ApiResponse call(String method, String path, Object body, String ifMatch) throws IOException {
        byte[] json = body == null ? null : body instanceof byte[] bytes ? bytes : encode(body);
        return ApiResponse.parse(exchange(method, path, json, JSON, ifMatch));
    }

    public ApiResponse get(String path) throws IOException {
        return call("GET", path, null, null);
    }

    /** Converts a JSON node to a wire record with the lenient mapper. */
    public static <T> T convert(JsonNode node, Class<T> type) throws IOException {
        return Json.lenient().treeToValue(node, type);
    }

    /**
     * Waits for an operation ({@code GET .../wait?timeout=N}); {@code timeoutSeconds < 0} waits without limit.
     * Accepts an id or an operation URL (whose query, such as {@code project=}, is kept). Returns the answer,
     * whose metadata is the operation (its status may still be running after a timeout).
     */
    public ApiResponse await(String operation, long timeoutSeconds) throws IOException {
        String url = operation.startsWith("/") ? operation : Paths.operation(PathEscape.segment(operation));
        int q = url.indexOf('?');
        String path = q < 0 ? url : url.substring(0, q);
        String query = q < 0 ? "" : url.substring(q + 1);
        if (timeoutSeconds >= 0) {
            query = (query.isEmpty() ? "" : query + "&") + "timeout=" + timeoutSeconds;
        }
        return get(path + "/wait" + (query.isEmpty() ? "" : "?" + query));
    }

    /** Waits for an operation to end and throws its error if it failed. */
    public Operation waitSuccess(String operation) throws IOException {
        Operation op = convert(await(operation, -1).metadata(), Operation.class);
        if (op.err() != null && !op.err().isEmpty()) {
            throw new ApiException(400, op.err());
        }
        return op;
    }

    /** Opens a WebSocket on {@code path}; an error answer becomes an {@link ApiException}. */
    public WebSocket websocket(String path) throws IOException {
        try {
            return WebSocket.connect(transport.open(), transport.authority(), scoped(path), random());
        } catch (UpgradeRefusedException e) {
            ApiResponse.parse(e.response());
            throw e;
        }
    }

    /** Subscribes to {@code /1.0/events}, optionally only to some event types. */
    public EventStream events(Collection<String> types) throws IOException {
        return events(types, false);
    }

    /** Subscribes to {@code /1.0/events} of this client's project, or of every project ({@code all-projects=true}). */
    public EventStream events(Collection<String> types, boolean allProjects) throws IOException {
        String path = Paths.EVENTS;
        if (types != null && !types.isEmpty()) {
            path += "?type=" + URLEncoder.encode(String.join(",", types), StandardCharsets.UTF_8);
        }
        if (allProjects) {
            path += (path.indexOf('?') >= 0 ? "&" : "?") + "all-projects=true";
        }
        return new EventStream(websocket(path));
    }

    private RandomGenerator random() {
        if (random == null) {
            random = new SecureRandom();
        }
        return random;
    }

    /** Plain maps, lists and trees without the mapper (start-up time), records and the like with it. */
    private static byte[] encode(Object body) throws JsonProcessingException {
        byte[] plain = JsonWrite.encode(body);
        return plain != null ? plain : Json.lenient().writeValueAsBytes(body);
    }

    @Override
    public void close() {
        http.close();
    }
}
