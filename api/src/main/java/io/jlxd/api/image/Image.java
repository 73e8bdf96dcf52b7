package io.jlxd.api.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** An image ({@code /1.0/images/{fingerprint}}), LXD's {@code api.Image}. */
public record Image(
        String fingerprint,
        String filename,
        long size,
        String architecture,
        String type,
        @JsonProperty("public") boolean isPublic,
        boolean autoUpdate,
        boolean cached,
        Map<String, String> properties,
        List<ImageAlias> aliases,
        OffsetDateTime createdAt,
        OffsetDateTime uploadedAt,
        OffsetDateTime lastUsedAt,
        OffsetDateTime expiresAt,
        List<String> profiles) {

    /** An alias as listed in an image: name and description. */
    public record ImageAlias(String name, String description) {
    }
}
