package io.jlxd.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Expiry, naming pattern, retention and the config validation, with fixed clocks. */
class PolicyTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    private static ZonedDateTime t(String s) {
        return ZonedDateTime.parse(s + "Z[UTC]");
    }

    @Test
    void expiryLxdSyntax() {
        assertEquals(t("2032-07-02T02:01:00"), Expiry.parse("1M 2H 3d 4w 5m 6y").from(t("2026-01-01T00:00:00")));
        assertEquals(t("2026-01-15T00:00:00"), Expiry.parse("2w").from(t("2026-01-01T00:00:00")));
        assertEquals(t("2026-01-01T00:30:00"), Expiry.parse("30M").from(t("2026-01-01T00:00:00")));
        for (String bad : new String[] {"", "2", "2x", "1d 1d", "d", "1.5d", "-1d", "1 d"}) {
            assertThrows(IllegalArgumentException.class, () -> Expiry.parse(bad), bad);
        }
    }

    @Test
    void patternNumbersAndDates() {
        ZonedDateTime at = t("2001-02-03T04:05:06");
        assertEquals("snap0", SnapshotPattern.next(null, at, Set.of()));
        assertEquals("snap4", SnapshotPattern.next("snap%d", at, Set.of("snap0", "snap1", "snap3", "other7", "snapx")));
        assertEquals("snap0", SnapshotPattern.next("snap%d", at, Set.of("first", "keep")));
        assertEquals("backup", SnapshotPattern.next("backup", at, Set.of()));
        assertEquals("backup-1", SnapshotPattern.next("backup", at, Set.of("backup", "backup-0")));
        assertEquals("a.b-0", SnapshotPattern.next("a.b", at, Set.of("a.b", "axb-5")));
        assertEquals("auto-2001-02-03_04-05-06", SnapshotPattern.next("auto-{{ creation_date|date:'2006-01-02_15-04-05' }}", at, Set.of()));
        assertEquals("d20010203-1", SnapshotPattern.next("d{{creation_date|date:\"20060102\"}}-%d", at, Set.of("d20010203-0")));
        for (String bad : new String[] {"a%db%d", "{{ foo }}", "a/b", ".hidden"}) {
            assertThrows(IllegalArgumentException.class, () -> SnapshotPattern.validate(bad), bad);
        }
        SnapshotPattern.validate("snap%d");
    }

    /** One snapshot every hour for 60 days ending 2026-03-31T23:00 UTC (a Tuesday). */
    private static List<Retention.Item> hourly60Days() {
        List<Retention.Item> out = new ArrayList<>();
        ZonedDateTime at = t("2026-01-31T00:00:00");
        for (int i = 0; i < 60 * 24; i++) {
            out.add(new Retention.Item("s" + i, at.plusHours(i)));
        }
        return out;
    }

    private static Set<String> keep(String policy, List<Retention.Item> items) {
        return Retention.parse(policy).keep(items, UTC);
    }

    private static String nameAt(List<Retention.Item> items, String time) {
        return items.stream().filter(i -> i.createdAt().equals(t(time))).findFirst().orElseThrow().name();
    }

    @Test
    void lastKeepsTheNewest() {
        List<Retention.Item> items = hourly60Days();
        int n = items.size();
        assertEquals(Set.of("s" + (n - 1), "s" + (n - 2), "s" + (n - 3)), keep("last=3", items));
    }

    @Test
    void hourlyAndDailyKeepTheNewestOfEachPeriod() {
        List<Retention.Item> items = hourly60Days();
        assertEquals(24, keep("hourly=24", items).size());
        Set<String> daily = keep("daily=3", items);
        assertEquals(Set.of(nameAt(items, "2026-03-31T23:00:00"), nameAt(items, "2026-03-30T23:00:00"), nameAt(items, "2026-03-29T23:00:00")), daily);
        Set<String> both = keep("hourly=2,daily=3", items);
        assertEquals(Set.of(nameAt(items, "2026-03-31T23:00:00"), nameAt(items, "2026-03-31T22:00:00"),
                nameAt(items, "2026-03-30T23:00:00"), nameAt(items, "2026-03-29T23:00:00")), both);
    }

    @Test
    void weeklyMonthlyYearly() {
        List<Retention.Item> items = hourly60Days();
        // ISO weeks end on Sunday: 2026-03-29 and 2026-03-22 are Sundays.
        assertEquals(Set.of(nameAt(items, "2026-03-31T23:00:00"), nameAt(items, "2026-03-29T23:00:00"), nameAt(items, "2026-03-22T23:00:00")),
                keep("weekly=3", items));
        assertEquals(Set.of(nameAt(items, "2026-03-31T23:00:00"), nameAt(items, "2026-02-28T23:00:00"), nameAt(items, "2026-01-31T23:00:00")),
                keep("monthly=5", items));
        assertEquals(Set.of(nameAt(items, "2026-03-31T23:00:00")), keep("yearly=3", items));
    }

    @Test
    void periodsWithoutSnapshotsAreSkippedNotCounted() {
        List<Retention.Item> items = List.of(
                new Retention.Item("a", t("2026-03-10T12:00:00")),
                new Retention.Item("b", t("2026-03-10T18:00:00")),
                new Retention.Item("c", t("2026-03-01T09:00:00")),
                new Retention.Item("d", t("2026-02-01T09:00:00")));
        // a month-long gap: daily=2 keeps the newest of 2026-03-10 and of the next day that has one, 2026-03-01
        assertEquals(Set.of("b", "c"), keep("daily=2", items));
        assertEquals(List.of("d", "a"), Retention.parse("daily=2").prune(items, UTC));
        assertEquals(List.of(), Retention.parse("daily=2,last=2").prune(items.subList(0, 2), UTC));
    }

    @Test
    void periodsFollowTheZone() {
        List<Retention.Item> items = List.of(
                new Retention.Item("late", t("2026-03-10T23:30:00")),
                new Retention.Item("early", t("2026-03-10T22:30:00")));
        assertEquals(Set.of("late"), keep("daily=2", items));
        // in UTC+1 the later one falls on the next day
        assertEquals(Set.of("late", "early"), Retention.parse("daily=2").keep(items, ZoneOffset.ofHours(1)));
    }

    @Test
    void refusesBadPolicies() {
        for (String bad : new String[] {"", "hourly", "hourly=", "hourly=-1", "often=3", "daily=1,daily=2", "daily=0", "daily=x"}) {
            assertThrows(IllegalArgumentException.class, () -> Retention.parse(bad), bad);
        }
        assertEquals(Map.of("hourly", 24, "daily", 7, "weekly", 4), Retention.parse("hourly=24, daily=7, weekly=4").rules());
    }

    @Test
    void configValidationNamesTheKey() {
        SnapshotConfig.validate(Map.of("snapshots.schedule", "@daily", "snapshots.expiry", "2w", "snapshots.retention", "daily=7",
                "snapshots.pattern", "auto%d", "snapshots.schedule.stopped", "true"));
        SnapshotConfig.validate(Map.of("snapshots.schedule", ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SnapshotConfig.validate(Map.of("snapshots.schedule", "61 * * * *")));
        assertTrue(e.getMessage().contains("\"snapshots.schedule\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SnapshotConfig.validate(Map.of("snapshots.expiry", "2 weeks")));
        assertThrows(IllegalArgumentException.class, () -> SnapshotConfig.validate(Map.of("snapshots.retention", "daily")));
        assertThrows(IllegalArgumentException.class, () -> SnapshotConfig.validate(Map.of("snapshots.pattern", "a/%d")));
    }
}
