package io.jlxd.cli.client.http;

import java.io.IOException;

/** The peer broke the HTTP/1.1 syntax (bad status line, header, chunk or length). */
public class HttpProtocolException extends IOException {
    public HttpProtocolException(String message) {
        super(message);
    }
}
