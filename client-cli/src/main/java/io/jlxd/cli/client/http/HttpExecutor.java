package io.jlxd.cli.client.http;

import io.jlxd.cli.client.Connection;
import io.jlxd.cli.client.Transport;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Sends requests over a {@link Transport} and reads whole responses. One idle connection is kept for reuse while
 * the server allows it (keep-alive) and the previous body was length-delimited. Only idempotent requests reuse an
 * idle connection (so a POST is never sent twice); if a reused connection turns out to be stale before any
 * answer arrives, the request is retried once on a fresh one. Not thread-safe: one executor per thread.
 */
public final class HttpExecutor implements Closeable {
    /** Largest body read into memory. */
    public static final long MAX_BODY = 256L * 1024 * 1024;

    private final Transport transport;
    private Connection idle;

    public HttpExecutor(Transport transport) {
        this.transport = transport;
    }

    public HttpResponse execute(HttpRequest request) throws IOException {
        Connection reused = null;
        if (idle != null) {
            if (request.idempotent()) {
                reused = idle;
            } else {
                idle.close();
            }
            idle = null;
        }
        if (reused != null) {
            try {
                return exchange(reused, request);
            } catch (StaleConnectionException stale) {
                // the server closed the idle connection: try once more on a new one
            }
        }
        try {
            return exchange(transport.open(), request);
        } catch (StaleConnectionException e) {
            throw (IOException) e.getCause();
        }
    }

    private HttpResponse exchange(Connection connection, HttpRequest request) throws IOException {
        ResponseHead head;
        try {
            HttpWire.writeRequest(connection.output(), request, transport.authority());
            head = HttpWire.readHead(connection.input());
        } catch (IOException e) {
            connection.close();
            if (e instanceof HttpProtocolException) {
                throw e;
            }
            throw new StaleConnectionException(e);
        }
        try {
            InputStream body = HttpWire.bodyStream(connection.input(), head, request.method());
            byte[] bytes = HttpWire.readBody(body, MAX_BODY);
            if (head.keepAlive() && head.status() != 101 && HttpWire.isDelimited(head, request.method())) {
                idle = connection;
            } else {
                connection.close();
            }
            return new HttpResponse(head, bytes);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (idle != null) {
            idle.close();
            idle = null;
        }
    }

    /** Failure before any response byte: the request may be retried on another connection. */
    private static final class StaleConnectionException extends IOException {
        StaleConnectionException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
