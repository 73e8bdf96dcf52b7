package io.jlxd.daemon.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.api.Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who may call what: the three access levels against the kinds of callers. */
class AccessTest {
    private static Certificate cert(boolean restricted, List<String> projects) {
        return new Certificate("c", "client", restricted, projects, "pem", "f".repeat(64), "");
    }

    @Test
    void accessLevels() {
        ApiRequest.Caller unix = ApiRequest.Caller.unix("uid=0 gid=0 pid=1");
        ApiRequest.Caller full = ApiRequest.Caller.tls("127.0.0.1", null, cert(false, List.of()));
        ApiRequest.Caller tenant = ApiRequest.Caller.tls("127.0.0.1", null, cert(true, List.of("default")));
        ApiRequest.Caller nowhere = ApiRequest.Caller.tls("127.0.0.1", null, cert(true, List.of()));
        ApiRequest.Caller stranger = ApiRequest.Caller.tls("127.0.0.1", null, null);

        for (ApiRequest.Caller c : List.of(unix, full, tenant, nowhere, stranger)) {
            assertTrue(Access.PUBLIC.allows(c, "default"));
        }
        assertTrue(unix.fullyTrusted() && full.fullyTrusted());
        assertFalse(tenant.fullyTrusted() || nowhere.fullyTrusted() || stranger.fullyTrusted());
        assertTrue(tenant.trusted() && tenant.restricted());
        assertFalse(stranger.trusted());

        assertTrue(Access.TRUSTED.allows(unix, "default") && Access.TRUSTED.allows(full, "default"));
        assertFalse(Access.TRUSTED.allows(tenant, "default") || Access.TRUSTED.allows(stranger, "default"));

        assertTrue(Access.PROJECT.allows(tenant, "default") && Access.PROJECT.allows(full, "other"));
        assertFalse(Access.PROJECT.allows(tenant, "other"));
        assertFalse(Access.PROJECT.allows(nowhere, "default"));
        assertFalse(Access.PROJECT.allows(stranger, "default"));

        ApiRequest.Caller metrics = ApiRequest.Caller.tls("127.0.0.1", null,
                new Certificate("m", "metrics", false, List.of(), "pem", "e".repeat(64), ""));
        assertFalse(metrics.trusted() || metrics.fullyTrusted());
        assertTrue(Access.METRICS.allows(metrics, "default") && Access.METRICS.allows(unix, "default"));
        assertFalse(Access.METRICS.allows(tenant, "default") || Access.METRICS.allows(stranger, "default"));
        assertFalse(Access.PROJECT.allows(metrics, "default") || Access.TRUSTED.allows(metrics, "default"));

        assertTrue(unix.describe().contains("uid=0 gid=0 pid=1"));
        assertTrue(tenant.describe().contains("f".repeat(64) + " (c) restricted to [default]"));
    }
}
