package io.jlxd.cli.client;

import java.io.IOException;

/** The server could not be reached at all (no socket, refused, no permission). */
public class TransportException extends IOException {
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
