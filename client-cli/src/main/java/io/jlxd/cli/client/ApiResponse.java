package io.jlxd.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.jlxd.api.ErrorMessages;
import io.jlxd.api.Response;
import io.jlxd.cli.client.http.HttpResponse;
import java.io.IOException;

/**
 * A parsed answer of the API: the envelope as the shared {@link Response} record, the raw JSON (for
 * {@code --raw} output and for fields a newer server adds) and the HTTP head (ETag, Location).
 */
public record ApiResponse(HttpResponse http, JsonNode json, Response envelope) {

    /**
     * Parses an HTTP response. An error envelope, or any HTTP error, becomes an {@link ApiException}; a success
     * that is not an envelope is a protocol error.
     */
    public static ApiResponse parse(HttpResponse http) throws IOException {
        ApiResponse response = parseOrNull(http);
        if (response == null) {
            throw new ApiException(http.status(), "invalid answer from the server (HTTP " + http.status()
                    + "): not an API response");
        }
        return response;
    }

    /**
     * Like {@link #parse} but returns null for a successful answer that is not an envelope (a raw file, say),
     * so that {@code jlxc query} can print it as is.
     */
    public static ApiResponse parseOrNull(HttpResponse http) throws IOException {
        JsonNode json = null;
        Response envelope = null;
        if (http.body().length > 0) {
            try {
                json = JsonTree.parse(http.body());
                if (json.isObject() && json.has("type")) {
                    envelope = envelope(json);
                }
            } catch (JsonTree.JsonSyntaxException e) {
                json = null;
            }
        }
        if (envelope == null) {
            if (http.status() >= 400) {
                throw new ApiException(http.status(), httpError(http));
            }
            return null;
        }
        if (Response.ERROR.equals(envelope.type()) || http.status() >= 400) {
            int code = envelope.errorCode() != 0 ? envelope.errorCode() : http.status();
            String message = envelope.error() == null || envelope.error().isEmpty()
                    ? ErrorMessages.reason(code) : envelope.error();
            throw new ApiException(code, message);
        }
        return new ApiResponse(http, json, envelope);
    }

    /**
     * The envelope record filled from the tree, with the metadata kept as a {@link JsonNode}: cheaper than
     * {@code treeToValue}, which introspects the record and copies the metadata into maps (this is on the path of
     * every command, so it counts for start-up time).
     */
    static Response envelope(JsonNode json) {
        return new Response(json.path("type").asText(""), json.path("status").asText(""),
                json.path("status_code").asInt(0), json.path("operation").asText(""),
                json.path("error_code").asInt(0), json.path("error").asText(""), json.get("metadata"));
    }

    /** Text for an error answer that is not an envelope: the reason phrase and a short body. */
    static String httpError(HttpResponse http) {
        String reason = http.head().reason().isEmpty() ? ErrorMessages.reason(http.status()) : http.head().reason();
        String text = http.bodyText().strip();
        if (text.length() > 200) {
            text = text.substring(0, 200) + "...";
        }
        return text.isEmpty() || text.equalsIgnoreCase(reason) ? reason : reason + ": " + text;
    }

    /** The envelope's metadata; a JSON null node when absent. */
    public JsonNode metadata() {
        JsonNode m = json.get("metadata");
        return m == null ? NullNode.getInstance() : m;
    }

    public boolean isAsync() {
        return Response.ASYNC.equals(envelope.type());
    }

    /** The ETag header, or null. */
    public String etag() {
        return http.headers().first("ETag").orElse(null);
    }

    /** The operation URL of an async answer ({@code /1.0/operations/<id>}), or "". */
    public String operation() {
        return envelope.operation() == null ? "" : envelope.operation();
    }
}
