package io.jlxd.daemon.http;

/**
 * Who may call an endpoint. Every line of {@link Endpoints} chooses one; a route added later must decide whether
 * restricted certificates may use it.
 */
public enum Access {
    /** Anyone, including untrusted HTTPS clients (LXD's AllowUntrusted). */
    PUBLIC,
    /**
     * Project-scoped: full trust, or a certificate restricted to projects that include the request's project
     * ({@code ?project=}, default {@code default}).
     */
    PROJECT,
    /** Metrics: full trust, or a certificate of type {@code metrics} (which may do nothing else). */
    METRICS,
    /** Full trust only: the Unix socket, or an HTTPS client whose certificate is trusted and not restricted. */
    TRUSTED;

    /** Whether {@code caller} may call an endpoint of this access level for {@code project}. */
    public boolean allows(ApiRequest.Caller caller, String project) {
        return switch (this) {
            case PUBLIC -> true;
            case PROJECT -> caller.mayUseProject(project);
            case METRICS -> caller.mayReadMetrics();
            case TRUSTED -> caller.fullyTrusted();
        };
    }
}
