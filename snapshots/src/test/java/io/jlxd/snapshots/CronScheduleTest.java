package io.jlxd.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    private static ZonedDateTime t(String s) {
        return ZonedDateTime.parse(s + "Z[UTC]");
    }

    private static ZonedDateTime next(String spec, String after) {
        return CronSchedule.parse(spec).next(t(after)).orElseThrow();
    }

    private static List<ZonedDateTime> slots(String spec, String after, int n) {
        List<ZonedDateTime> out = new ArrayList<>();
        ZonedDateTime at = t(after);
        CronSchedule s = CronSchedule.parse(spec);
        for (int i = 0; i < n; i++) {
            at = s.next(at).orElseThrow();
            out.add(at);
        }
        return out;
    }

    @Test
    void everyMinuteIsStrictlyAfter() {
        assertEquals(t("2026-03-01T10:01:00"), next("* * * * *", "2026-03-01T10:00:00"));
        assertEquals(t("2026-03-01T10:01:00"), next("* * * * *", "2026-03-01T10:00:59.9"));
    }

    @Test
    void stepsRangesAndLists() {
        assertEquals(List.of(t("2026-03-01T10:15:00"), t("2026-03-01T10:30:00"), t("2026-03-01T10:45:00"), t("2026-03-01T11:00:00")),
                slots("*/15 * * * *", "2026-03-01T10:00:00", 4));
        assertEquals(List.of(t("2026-03-01T13:00:00"), t("2026-03-02T01:00:00")), slots("0 1,13 * * *", "2026-03-01T12:00:00", 2));
        assertEquals(List.of(t("2026-03-01T10:10:00"), t("2026-03-01T10:30:00"), t("2026-03-01T10:50:00"), t("2026-03-01T11:10:00")),
                slots("10-50/20 * * * *", "2026-03-01T10:00:00", 4));
        assertEquals(List.of(t("2026-03-01T10:40:00"), t("2026-03-01T10:55:00"), t("2026-03-01T11:40:00")),
                slots("40/15 * * * *", "2026-03-01T10:00:00", 3));
        assertEquals(t("2026-03-01T22:30:00"), next("30 22-23 * * *", "2026-03-01T10:00:00"));
    }

    @Test
    void namesAndSundaySeven() {
        // 2026-03-01 is a Sunday.
        assertEquals(t("2026-03-02T00:00:00"), next("0 0 * * mon", "2026-03-01T00:00:00"));
        assertEquals(t("2026-03-08T00:00:00"), next("0 0 * * 7", "2026-03-01T00:00:00"));
        assertEquals(t("2026-03-08T00:00:00"), next("0 0 * * SUN", "2026-03-01T00:00:00"));
        assertEquals(t("2026-03-06T00:00:00"), next("0 0 * * mon-fri", "2026-03-05T12:00:00"));
        assertEquals(t("2026-03-09T00:00:00"), next("0 0 * * mon-fri", "2026-03-06T12:00:00"));
        assertEquals(t("2026-12-01T00:00:00"), next("0 0 1 dec *", "2026-03-01T00:00:00"));
        assertEquals(t("2027-01-01T00:00:00"), next("0 0 1 jan-feb *", "2026-03-01T00:00:00"));
    }

    @Test
    void dayOfMonthOrDayOfWeekWhenBothRestricted() {
        // the 15th or any Friday (2026-03-06 is a Friday)
        assertEquals(List.of(t("2026-03-06T00:00:00"), t("2026-03-13T00:00:00"), t("2026-03-15T00:00:00"), t("2026-03-20T00:00:00")),
                slots("0 0 15 * fri", "2026-03-01T00:00:00", 4));
        // only one restricted: AND with the star
        assertEquals(t("2026-03-15T00:00:00"), next("0 0 15 * *", "2026-03-01T00:00:00"));
    }

    @Test
    void aliases() {
        assertEquals(t("2026-03-01T11:00:00"), next("@hourly", "2026-03-01T10:00:00"));
        assertEquals(t("2026-03-02T00:00:00"), next("@daily", "2026-03-01T10:00:00"));
        assertEquals(t("2026-03-02T00:00:00"), next("@midnight", "2026-03-01T10:00:00"));
        assertEquals(t("2026-03-08T00:00:00"), next("@weekly", "2026-03-01T10:00:00"));
        assertEquals(t("2026-04-01T00:00:00"), next("@monthly", "2026-03-01T10:00:00"));
        assertEquals(t("2027-01-01T00:00:00"), next("@yearly", "2026-03-01T10:00:00"));
        assertEquals(t("2027-01-01T00:00:00"), next("@annually", "2026-03-01T10:00:00"));
    }

    @Test
    void severalSchedules() {
        assertEquals(List.of(t("2026-03-01T10:30:00"), t("2026-03-01T11:00:00"), t("2026-03-01T12:00:00"), t("2026-03-01T12:30:00")),
                slots("30 */2 * * *, @hourly", "2026-03-01T10:00:00", 4));
        assertEquals(t("2026-03-01T10:30:00"), next("@daily,30 10 * * *", "2026-03-01T10:00:00"));
        assertEquals(2, CronSchedule.parse("@daily, 0 1,13 * * *").expressions().size());
        assertEquals(1, CronSchedule.parse("0 1,13 * * *").expressions().size());
    }

    @Test
    void secondsExtension() {
        assertEquals(List.of(t("2026-03-01T10:00:02"), t("2026-03-01T10:00:04"), t("2026-03-01T10:00:06")),
                slots("*/2 * * * * *", "2026-03-01T10:00:00.5", 3));
        assertTrue(CronExpr.parse("* * * * * *").hasSeconds());
        assertFalse(CronExpr.parse("* * * * *").hasSeconds());
    }

    @Test
    void leapDayAndImpossibleDates() {
        assertEquals(t("2028-02-29T00:00:00"), next("0 0 29 2 *", "2026-03-01T00:00:00"));
        assertTrue(CronSchedule.parse("0 0 31 2 *").next(t("2026-03-01T00:00:00")).isEmpty());
    }

    @Test
    void zoneIsRespected() {
        ZonedDateTime after = ZonedDateTime.of(2026, 3, 1, 10, 0, 0, 0, ZoneId.of("Europe/Paris"));
        assertEquals(ZonedDateTime.of(2026, 3, 2, 0, 0, 0, 0, ZoneId.of("Europe/Paris")), CronSchedule.parse("@daily").next(after).orElseThrow());
        // the spring-forward night: 02:30 does not exist in Paris on 2026-03-29; that day has no slot
        ZonedDateTime before = ZonedDateTime.of(2026, 3, 29, 1, 0, 0, 0, ZoneId.of("Europe/Paris"));
        assertEquals(ZonedDateTime.of(2026, 3, 30, 2, 30, 0, 0, ZoneId.of("Europe/Paris")), CronSchedule.parse("30 2 * * *").next(before).orElseThrow());
        assertEquals(UTC, t("2026-01-01T00:00:00").getZone().normalized());
    }

    @Test
    void latestDueFiresOnceForMissedSlots() {
        CronSchedule s = CronSchedule.parse("@hourly");
        assertEquals(t("2026-03-01T13:00:00"), s.latestDue(t("2026-03-01T10:00:00"), t("2026-03-01T13:20:00")).orElseThrow());
        assertTrue(s.latestDue(t("2026-03-01T13:00:00"), t("2026-03-01T13:59:59")).isEmpty());
        assertEquals(t("2026-03-01T14:00:00"), s.latestDue(t("2026-03-01T13:00:00"), t("2026-03-01T14:00:00")).orElseThrow());
        // a per-second schedule after a day of downtime still answers (the latest second)
        assertEquals(t("2026-03-02T10:00:00"), CronSchedule.parse("* * * * * *").latestDue(t("2026-03-01T10:00:00"), t("2026-03-02T10:00:00.3")).orElseThrow());
    }

    @Test
    void refusesBadInput() {
        for (String bad : new String[] {"", " ", "* * * *", "* * * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * 32 * *",
                "* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *", "a * * * *", "1,,2 * * * *", "@often", "* * * foo *",
                "1-2-3 * * * *", "@daily, 61 * * * *", "-1 * * * *"}) {
            assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(bad), bad);
        }
    }
}
