package io.jlxd.daemon.http;

/** Who may call an endpoint. */
public enum Access {
    /** Anyone, including untrusted HTTPS clients (LXD's AllowUntrusted). */
    PUBLIC,
    /** Trusted callers only: the Unix socket, or an HTTPS client with a trusted certificate. */
    TRUSTED
}
