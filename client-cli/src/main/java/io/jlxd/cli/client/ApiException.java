package io.jlxd.cli.client;

import java.io.IOException;

/**
 * The server answered with an error: an LXD error envelope ({@code error_code} and {@code error}), or a non-JSON
 * HTTP error. The message is the server's, as {@code lxc} shows it.
 */
public class ApiException extends IOException {
    private final int errorCode;

    public ApiException(int errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    /** The envelope's {@code error_code}, which is also the HTTP status. */
    public int errorCode() {
        return errorCode;
    }
}
