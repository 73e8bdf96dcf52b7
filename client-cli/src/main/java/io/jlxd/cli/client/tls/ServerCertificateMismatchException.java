package io.jlxd.cli.client.tls;

import io.jlxd.cli.client.TransportException;

/** The server presented another certificate than the one pinned for it: refused before anything is sent. */
public final class ServerCertificateMismatchException extends TransportException {
    public ServerCertificateMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
