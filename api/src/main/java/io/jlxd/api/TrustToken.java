package io.jlxd.api;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;

/**
 * The decoded form of a trust token as LXD encodes it: base64 of this JSON. It carries the server's certificate
 * fingerprint (so the client can check whom it talks to), its addresses and the secret.
 */
public record TrustToken(String clientName, String fingerprint, List<String> addresses, String secret,
                         OffsetDateTime expiresAt) {

    public String encode() {
        try {
            return Base64.getEncoder().encodeToString(Json.lenient().writeValueAsBytes(this));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TrustToken decode(String token) {
        try {
            return Json.lenient().readValue(new String(Base64.getDecoder().decode(token.trim()), StandardCharsets.UTF_8), TrustToken.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a trust token", e);
        }
    }
}
