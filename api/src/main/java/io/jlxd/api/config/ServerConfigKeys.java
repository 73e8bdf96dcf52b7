package io.jlxd.api.config;

import java.util.List;

/** The server configuration keys ({@code PUT /1.0}). Every key listed here has an effect in the daemon. */
public final class ServerConfigKeys {
    public static final String HTTPS_ADDRESS = "core.https_address";
    public static final String METRICS_ADDRESS = "core.metrics_address";
    public static final String SHUTDOWN_TIMEOUT = "core.shutdown_timeout";
    public static final String REMOTE_TOKEN_EXPIRY = "core.remote_token_expiry";

    public static final ConfigSchema SCHEMA = new ConfigSchema("server", List.of(
            new ConfigKey(HTTPS_ADDRESS, ValueType.LISTEN_ADDRESS, "",
                    "Address to bind the HTTPS API to (host:port, [v6]:port or :port; port defaults to 8443); unset = no HTTPS"),
            new ConfigKey(METRICS_ADDRESS, ValueType.LISTEN_ADDRESS, "",
                    "Address to bind the metrics server to (HTTPS, serving only /, /1.0 and /1.0/metrics; port defaults to 8443); unset = none"),
            new ConfigKey(REMOTE_TOKEN_EXPIRY, ValueType.EXPIRY, "",
                    "Time after which a trust token expires (LXD's expiry syntax: 15M, 1H, 2d, 1d 3H; units S M H d w m y); unset = no expiry"),
            new ConfigKey(SHUTDOWN_TIMEOUT, ValueType.INTEGER, "5",
                    "Seconds the daemon waits for running operations to finish on SIGTERM"),
            new ConfigKey("user.*", ValueType.STRING, "", "Free-form user key, stored and returned as is")));

    private ServerConfigKeys() {
    }
}
