package io.jlxd.cli.client;

import java.io.IOException;

/**
 * Opens byte-stream connections to one jlxd endpoint. HTTP and WebSocket code only ever talks to a
 * {@link Connection}, so a TLS transport for HTTPS remotes (client certificates) can be added next to
 * {@link UnixSocketTransport} without touching the protocol code.
 */
public interface Transport {

    /** Opens a new connection; failures carry a message naming the endpoint. */
    Connection open() throws IOException;

    /** The value of the HTTP {@code Host} header for this endpoint. */
    String authority();
}
