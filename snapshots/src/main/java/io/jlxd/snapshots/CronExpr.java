package io.jlxd.snapshots;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One cron expression: {@code minute hour day-of-month month day-of-week} (5 fields) or, as a jlxd extension, with a
 * leading {@code second} field (6 fields). Fields take {@code *}, numbers, ranges {@code a-b}, steps {@code * /n},
 * {@code a-b/n}, {@code a/n}, lists {@code a,b-c}, month names {@code jan..dec} and day names {@code sun..sat}
 * (day-of-week 0 and 7 are Sunday). As in Vixie cron, when both day-of-month and day-of-week are restricted, a day
 * matching either one matches.
 */
public final class CronExpr {
    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    private static final String[] DAYS = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    /** Searching further than this many years for a slot means none exists (e.g. 31 feb). */
    private static final int HORIZON_YEARS = 8;

    private final String text;
    private final boolean withSeconds;
    private final BitSet seconds;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet days;
    private final BitSet months;
    private final BitSet weekdays;
    private final boolean daysStar;
    private final boolean weekdaysStar;

    private CronExpr(String text, List<String> f) {
        this.text = text;
        this.withSeconds = f.size() == 6;
        int o = withSeconds ? 1 : 0;
        this.seconds = withSeconds ? field("second", f.get(0), 0, 59, null) : bits(0);
        this.minutes = field("minute", f.get(o), 0, 59, null);
        this.hours = field("hour", f.get(o + 1), 0, 23, null);
        this.days = field("day-of-month", f.get(o + 2), 1, 31, null);
        this.months = field("month", f.get(o + 3), 1, 12, MONTHS);
        BitSet wd = field("day-of-week", f.get(o + 4), 0, 7, DAYS);
        if (wd.get(7)) {
            wd.set(0);
            wd.clear(7);
        }
        this.weekdays = wd;
        this.daysStar = f.get(o + 2).startsWith("*");
        this.weekdaysStar = f.get(o + 4).startsWith("*");
    }

    /** Parses one expression; throws IllegalArgumentException saying what is wrong. */
    public static CronExpr parse(String text) {
        String t = text.trim();
        List<String> f = List.of(t.split("\\s+"));
        if (t.isEmpty() || (f.size() != 5 && f.size() != 6)) {
            throw new IllegalArgumentException("\"" + t + "\" is not a cron expression (5 fields: minute hour day month weekday, "
                    + "or 6 with a leading second)");
        }
        return new CronExpr(t, f);
    }

    /** True when the expression has a seconds field (slots are then seconds, else minutes). */
    public boolean hasSeconds() {
        return withSeconds;
    }

    /** The first slot strictly after {@code after} (in {@code after}'s zone), or empty when there is none. */
    public Optional<ZonedDateTime> next(ZonedDateTime after) {
        ChronoUnit unit = withSeconds ? ChronoUnit.SECONDS : ChronoUnit.MINUTES;
        ZonedDateTime t = after.truncatedTo(unit).plus(1, unit);
        ZonedDateTime limit = after.plusYears(HORIZON_YEARS);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
                continue;
            }
            if (!dayMatches(t)) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                continue;
            }
            if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                continue;
            }
            if (!minutes.get(t.getMinute())) {
                t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
                continue;
            }
            if (!seconds.get(t.getSecond())) {
                t = t.plusSeconds(1);
                continue;
            }
            return Optional.of(t);
        }
        return Optional.empty();
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = days.get(t.getDayOfMonth());
        boolean dow = weekdays.get(t.getDayOfWeek().getValue() % 7);
        if (!daysStar && !weekdaysStar) {
            return dom || dow;
        }
        return dom && dow;
    }

    private static BitSet bits(int v) {
        BitSet b = new BitSet();
        b.set(v);
        return b;
    }

    private static BitSet field(String what, String spec, int min, int max, String[] names) {
        BitSet out = new BitSet();
        for (String part : spec.split(",", -1)) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("empty list item in the " + what + " field \"" + spec + "\"");
            }
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(what, part.substring(slash + 1), 1, max - min + 1, null);
            }
            int lo;
            int hi;
            if (range.equals("*")) {
                lo = min;
                hi = max;
            } else if (range.contains("-")) {
                String[] ab = range.split("-", -1);
                if (ab.length != 2) {
                    throw new IllegalArgumentException("bad range \"" + range + "\" in the " + what + " field");
                }
                lo = number(what, ab[0], min, max, names);
                hi = number(what, ab[1], min, max, names);
                if (hi < lo) {
                    throw new IllegalArgumentException("backwards range \"" + range + "\" in the " + what + " field");
                }
            } else {
                lo = number(what, range, min, max, names);
                hi = slash >= 0 ? max : lo;
            }
            for (int v = lo; v <= hi; v += step) {
                out.set(v);
            }
        }
        return out;
    }

    private static int number(String what, String s, int min, int max, String[] names) {
        if (names != null) {
            String l = s.toLowerCase(Locale.ROOT);
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(l)) {
                    return names == MONTHS ? i + 1 : i;
                }
            }
        }
        if (!s.matches("\\d{1,4}")) {
            throw new IllegalArgumentException("\"" + s + "\" is not a valid " + what);
        }
        int v = Integer.parseInt(s);
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " " + v + " is out of range " + min + "-" + max);
        }
        return v;
    }

    @Override
    public String toString() {
        return text;
    }
}
