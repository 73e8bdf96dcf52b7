package io.jlxd.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** A background operation as LXD shows it ({@code GET /1.0/operations/{id}}). */
public record Operation(
        String id,
        @JsonProperty("class") String operationClass,
        String description,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        String status,
        int statusCode,
        Map<String, List<String>> resources,
        Map<String, Object> metadata,
        boolean mayCancel,
        String err,
        String location) {
}
