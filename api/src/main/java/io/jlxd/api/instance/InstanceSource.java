package io.jlxd.api.instance;

import java.util.Map;

/** Where a new instance comes from: {@code image} (alias or fingerprint), {@code none}, {@code copy}, {@code migration}. */
public record InstanceSource(
        String type,
        String alias,
        String fingerprint,
        Map<String, String> properties,
        String server,
        String protocol,
        String source,
        Boolean instanceOnly,
        Boolean containerOnly,
        String mode,
        String operation,
        Map<String, String> secrets,
        String certificate,
        Boolean live,
        String secret,
        @com.fasterxml.jackson.annotation.JsonProperty("base-image") String baseImage,
        Boolean refresh,
        String project,
        Boolean allowInconsistent) {

    /**
     * Fields LXD's clients send (Go structs without omitempty) whose feature jlxd does not have: accepted when
     * empty or false, refused otherwise, so that a request never silently loses a meaning.
     */
    public String unsupported() {
        if (Boolean.TRUE.equals(refresh)) {
            return "refresh";
        }
        if (project != null && !project.isEmpty() && !project.equals("default")) {
            return "project";
        }
        if (Boolean.TRUE.equals(allowInconsistent)) {
            return "allow_inconsistent";
        }
        return null;
    }
}
