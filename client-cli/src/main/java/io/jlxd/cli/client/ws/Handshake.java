package io.jlxd.cli.client.ws;

import io.jlxd.cli.client.http.HttpRequest;
import io.jlxd.cli.client.http.ResponseHead;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.random.RandomGenerator;

/** The opening handshake of RFC 6455 section 4: the upgrade request and the check of the server's answer. */
public final class Handshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private Handshake() {
    }

    /** A fresh Sec-WebSocket-Key: 16 random bytes, base64. */
    public static String newKey(RandomGenerator random) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** The Sec-WebSocket-Accept value the server must answer for {@code key}. */
    public static String acceptFor(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is always available", e);
        }
    }

    /** The GET request that asks to upgrade {@code target} to a WebSocket. */
    public static HttpRequest request(String target, String key) {
        return HttpRequest.of("GET", target)
                .header("Upgrade", "websocket")
                .header("Connection", "Upgrade")
                .header("Sec-WebSocket-Key", key)
                .header("Sec-WebSocket-Version", "13");
    }

    /** Checks a 101 answer: Upgrade, Connection and the accept hash; no extension or subprotocol was asked for. */
    public static void verify(ResponseHead head, String key) throws WebSocketException {
        if (head.status() != 101) {
            throw new WebSocketException(1002, "server refused the WebSocket upgrade: HTTP " + head.status());
        }
        if (!head.headers().hasToken("Upgrade", "websocket")) {
            throw new WebSocketException(1002, "upgrade answer without \"Upgrade: websocket\"");
        }
        if (!head.headers().hasToken("Connection", "upgrade")) {
            throw new WebSocketException(1002, "upgrade answer without \"Connection: Upgrade\"");
        }
        String accept = head.headers().first("Sec-WebSocket-Accept").orElse("");
        if (!accept.equals(acceptFor(key))) {
            throw new WebSocketException(1002, "wrong Sec-WebSocket-Accept in the upgrade answer");
        }
        if (head.headers().first("Sec-WebSocket-Extensions").filter(s -> !s.isBlank()).isPresent()) {
            throw new WebSocketException(1002, "server chose an extension that was not offered");
        }
    }
}
