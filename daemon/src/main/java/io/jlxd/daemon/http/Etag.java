package io.jlxd.daemon.http;

import io.jlxd.api.Json;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/** LXD-style ETags: the SHA-256 of the JSON encoding of the writable fields. */
public final class Etag {
    private Etag() {
    }

    /** Hash of the values, maps sorted by key so that the same content always gives the same ETag. */
    public static String of(Object... values) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Object v : values) {
                Object stable = v instanceof java.util.Map<?, ?> m ? new TreeMap<>(m) : v;
                sha.update(Json.lenient().writeValueAsBytes(stable));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
