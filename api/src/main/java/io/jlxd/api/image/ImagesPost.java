package io.jlxd.api.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** JSON body of {@code POST /1.0/images} (remote sources, publishing); uploads send the image itself instead. */
public record ImagesPost(
        Map<String, Object> source,
        List<ImageAliasesPost> aliases,
        @JsonProperty("public") Boolean isPublic,
        Boolean autoUpdate,
        Map<String, String> properties,
        String compressionAlgorithm,
        String filename,
        List<String> profiles,
        String expiresAt) {
}
