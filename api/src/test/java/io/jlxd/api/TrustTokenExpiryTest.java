package io.jlxd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlxd.api.config.ConfigException;
import io.jlxd.api.config.ValueType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TrustTokenExpiryTest {
    private static final OffsetDateTime T = OffsetDateTime.of(2026, 1, 31, 12, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void lxdSyntax() {
        assertNull(TrustTokenExpiry.after(T, ""));
        assertNull(TrustTokenExpiry.after(T, null));
        assertEquals(T.plusSeconds(30), TrustTokenExpiry.after(T, "30S"));
        assertEquals(T.plusMinutes(15), TrustTokenExpiry.after(T, "15M"));
        assertEquals(T.plusHours(1), TrustTokenExpiry.after(T, "1H"));
        assertEquals(T.plusDays(1).plusHours(3), TrustTokenExpiry.after(T, "1d 3H"));
        assertEquals(T.plusWeeks(2), TrustTokenExpiry.after(T, "2w"));
        assertEquals(T.plusMonths(1), TrustTokenExpiry.after(T, "1m"), "m is months, M minutes");
        assertEquals(T.plusYears(1), TrustTokenExpiry.after(T, "1y"));
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[] {"1h", "soon", "10", "-1H", "1H2M", "1 H"}) {
            assertThrows(IllegalArgumentException.class, () -> TrustTokenExpiry.after(T, bad), bad);
            assertThrows(ConfigException.class, () -> ValueType.EXPIRY.validate("core.remote_token_expiry", bad), bad);
        }
        ValueType.EXPIRY.validate("core.remote_token_expiry", "");
    }
}
