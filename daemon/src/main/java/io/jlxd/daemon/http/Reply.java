package io.jlxd.daemon.http;

import io.jlxd.api.Operation;
import java.util.Map;

/** What a handler answers: a sync result (optionally with an ETag), an operation, or raw bytes. */
public sealed interface Reply {
    Map<String, Object> EMPTY = Map.of();

    record Sync(Object metadata, String etag) implements Reply {
    }

    record Async(Operation operation) implements Reply {
    }

    record Raw(int status, String contentType, byte[] body, Map<String, String> headers) implements Reply {
    }

    /** A large body written straight to the connection (image export); {@code length} -1 when unknown. */
    record Stream(int status, String contentType, long length, Map<String, String> headers, BodyWriter writer)
            implements Reply {
    }

    /** Writes a streamed body. */
    @FunctionalInterface
    interface BodyWriter {
        void write(java.io.OutputStream out) throws java.io.IOException;
    }

    static Reply sync(Object metadata) {
        return new Sync(metadata, null);
    }

    static Reply sync(Object metadata, String etag) {
        return new Sync(metadata, etag);
    }

    /** LXD's EmptySyncResponse: metadata {}. */
    static Reply empty() {
        return new Sync(EMPTY, null);
    }

    static Reply async(Operation op) {
        return new Async(op);
    }
}
