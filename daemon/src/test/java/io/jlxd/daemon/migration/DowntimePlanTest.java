package io.jlxd.daemon.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.api.config.ValueType;
import org.junit.jupiter.api.Test;

class DowntimePlanTest {
    @Test
    void withoutABudgetTheMoveIsLiveAsAsked() {
        assertEquals(DowntimePlan.Kind.LIVE, DowntimePlan.choose(null, null, 99_999, 99_999).kind());
    }

    @Test
    void liveWhenItsEstimateFits() {
        DowntimePlan p = DowntimePlan.choose(3000L, null, 2500, 1500);
        assertEquals(DowntimePlan.Kind.LIVE, p.kind());
        assertTrue(p.reason().contains("2500 ms"), p.reason());
    }

    @Test
    void nearLiveWhenOnlyItFitsOrLiveIsBlocked() {
        assertEquals(DowntimePlan.Kind.NEAR_LIVE, DowntimePlan.choose(2000L, null, 2500, 1500).kind());
        DowntimePlan blocked = DowntimePlan.choose(60_000L, "1 exec session is open", 2500, 1500);
        assertEquals(DowntimePlan.Kind.NEAR_LIVE, blocked.kind());
        assertTrue(blocked.reason().contains("exec session"), blocked.reason());
    }

    @Test
    void refusedWithBothEstimatesWhenNothingFits() {
        DowntimePlan p = DowntimePlan.choose(400L, null, 2500, 1500);
        assertEquals(DowntimePlan.Kind.REFUSE, p.kind());
        assertTrue(p.reason().contains("400 ms") && p.reason().contains("2500 ms") && p.reason().contains("1500 ms"), p.reason());
    }

    @Test
    void budgetsAreMillisecondsOrSeconds() {
        assertEquals(400, ValueType.millis("400ms"));
        assertEquals(400, ValueType.millis("400"));
        assertEquals(1500, ValueType.millis("1.5s"));
        assertEquals(2000, ValueType.millis(" 2s "));
        assertThrows(IllegalArgumentException.class, () -> ValueType.millis("soon"));
        assertThrows(IllegalArgumentException.class, () -> ValueType.millis("-1"));
        assertThrows(IllegalArgumentException.class, () -> ValueType.millis("1.5ms"));
        assertThrows(IllegalArgumentException.class, () -> ValueType.millis("2m"));
    }
}
