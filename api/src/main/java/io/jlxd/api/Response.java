package io.jlxd.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * LXD's response envelope. Every JSON answer of the API is one of three shapes:
 * sync (HTTP 200, status_code 200), async (HTTP 202, status_code 100, {@code operation} set, metadata is the
 * operation) or error (HTTP = error_code, status and status_code empty).
 */
public record Response(String type, String status, int statusCode, String operation, int errorCode, String error,
                       Object metadata) {

    public static final String SYNC = "sync";
    public static final String ASYNC = "async";
    public static final String ERROR = "error";

    public static Response sync(Object metadata) {
        return new Response(SYNC, StatusCode.SUCCESS.text(), StatusCode.SUCCESS.code(), "", 0, "", metadata);
    }

    public static Response async(Operation op) {
        return new Response(ASYNC, StatusCode.OPERATION_CREATED.text(), StatusCode.OPERATION_CREATED.code(),
                Paths.operation(op.id()), 0, "", op);
    }

    public static Response error(int httpCode, String message) {
        return new Response(ERROR, "", 0, "", httpCode, message, null);
    }

    public boolean failed() {
        return ERROR.equals(type);
    }

    /** The metadata as a JSON tree (as parsed by a client). */
    public JsonNode metadataNode() {
        return Json.lenient().valueToTree(metadata);
    }

    /** The metadata converted to a wire type. */
    public <T> T metadataAs(Class<T> type) {
        return Json.lenient().convertValue(metadata, type);
    }
}
