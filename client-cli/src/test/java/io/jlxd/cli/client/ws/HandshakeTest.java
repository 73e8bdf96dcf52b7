package io.jlxd.cli.client.ws;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlxd.cli.client.http.HttpHeaders;
import io.jlxd.cli.client.http.HttpRequest;
import io.jlxd.cli.client.http.ResponseHead;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HandshakeTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static ResponseHead answer(int status, String upgrade, String connection, String accept) {
        HttpHeaders h = new HttpHeaders();
        if (upgrade != null) {
            h.add("Upgrade", upgrade);
        }
        if (connection != null) {
            h.add("Connection", connection);
        }
        if (accept != null) {
            h.add("Sec-WebSocket-Accept", accept);
        }
        return new ResponseHead("HTTP/1.1", status, "", h);
    }

    @Test
    void acceptHashOfTheRfcExample() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.acceptFor(KEY));
    }

    @Test
    void keyIsSixteenRandomBytes() {
        assertEquals(16, Base64.getDecoder().decode(Handshake.newKey(new Random(1))).length);
    }

    @Test
    void upgradeRequest() {
        HttpRequest r = Handshake.request("/1.0/events?type=operation", KEY);
        assertEquals("GET", r.method());
        assertEquals("websocket", r.headers().first("Upgrade").orElseThrow());
        assertEquals("Upgrade", r.headers().first("Connection").orElseThrow());
        assertEquals("13", r.headers().first("Sec-WebSocket-Version").orElseThrow());
        assertEquals(KEY, r.headers().first("Sec-WebSocket-Key").orElseThrow());
    }

    @Test
    void verifiesTheAnswer() {
        String accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
        assertDoesNotThrow(() -> Handshake.verify(answer(101, "WebSocket", "keep-alive, Upgrade", accept), KEY));
        assertThrows(WebSocketException.class, () -> Handshake.verify(answer(200, "websocket", "Upgrade", accept), KEY));
        assertThrows(WebSocketException.class, () -> Handshake.verify(answer(101, null, "Upgrade", accept), KEY));
        assertThrows(WebSocketException.class, () -> Handshake.verify(answer(101, "websocket", null, accept), KEY));
        assertThrows(WebSocketException.class,
                () -> Handshake.verify(answer(101, "websocket", "Upgrade", "wrong="), KEY));
    }
}
