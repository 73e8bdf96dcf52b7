package io.jlxd.daemon.routes;

import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code /1.0/metrics}: Prometheus text format (see {@link Metrics}). */
public final class MetricsRoutes {
    /** Prometheus's text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Metrics metrics;

    public MetricsRoutes(Metrics metrics) {
        this.metrics = metrics;
    }

    public Reply get(ApiRequest req) {
        return new Reply.Raw(200, CONTENT_TYPE, metrics.text().getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
