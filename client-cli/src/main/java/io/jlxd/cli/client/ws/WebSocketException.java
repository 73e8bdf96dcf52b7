package io.jlxd.cli.client.ws;

import java.io.IOException;

/** A WebSocket protocol violation or failed handshake; {@code closeCode} is the RFC 6455 status to close with. */
public class WebSocketException extends IOException {
    private final int closeCode;

    public WebSocketException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }
}
