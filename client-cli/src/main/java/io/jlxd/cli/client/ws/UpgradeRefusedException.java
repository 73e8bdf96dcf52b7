package io.jlxd.cli.client.ws;

import io.jlxd.cli.client.http.HttpResponse;

/** The server answered the upgrade request with a normal HTTP response (usually an error envelope). */
public class UpgradeRefusedException extends WebSocketException {
    private final transient HttpResponse response;

    public UpgradeRefusedException(HttpResponse response) {
        super(1002, "server refused the WebSocket upgrade: HTTP " + response.status());
        this.response = response;
    }

    public HttpResponse response() {
        return response;
    }
}
