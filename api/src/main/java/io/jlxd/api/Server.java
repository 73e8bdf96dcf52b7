package io.jlxd.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** {@code GET /1.0}: the server, as a trusted or an untrusted caller sees it (no config nor environment). */
public record Server(
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> config,
        List<String> apiExtensions,
        String apiStatus,
        String apiVersion,
        String auth,
        List<String> authMethods,
        boolean isPublic,
        @JsonInclude(JsonInclude.Include.NON_NULL) ServerEnvironment environment) {

    /** LXD calls the field {@code public}, a Java keyword. */
    @com.fasterxml.jackson.annotation.JsonProperty("public")
    @Override
    public boolean isPublic() {
        return isPublic;
    }
}
