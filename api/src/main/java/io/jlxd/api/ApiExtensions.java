package io.jlxd.api;

import java.util.List;

/**
 * The API extensions this server implements, announced in {@code GET /1.0}. Names are LXD's where the feature is
 * LXD's, so that LXD clients recognise them; jlxd's own start with {@code jlxd_}. Only ever append.
 */
public final class ApiExtensions {
    public static final List<String> ALL = List.of(
            "etag",
            "patch",
            "operation_wait_timeout",
            "event_lifecycle",
            "api_filtering",
            "server_event_mode",
            "jlxd_criu_version",
            // trust (issue 9, daemon side): PUT/PATCH and ETag of certificates, restricted + projects, tokens
            "certificate_update",
            "certificate_project",
            "certificate_token",
            "remote_token_expiry",
            "explicit_trust_token",
            // GET /1.0/metrics (merged from the metrics branch) and certificates of type metrics
            "metrics");

    private ApiExtensions() {
    }
}
