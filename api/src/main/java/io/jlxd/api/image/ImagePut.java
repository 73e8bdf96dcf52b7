package io.jlxd.api.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** The writable fields of an image (PUT/PATCH {@code /1.0/images/{fingerprint}}). */
public record ImagePut(
        @JsonProperty("public") Boolean isPublic,
        Boolean autoUpdate,
        Map<String, String> properties,
        OffsetDateTime expiresAt,
        List<String> profiles) {
}
