package io.jlxd.snapshots;

import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code snapshots.expiry} value in LXD's syntax: space-separated amounts with a unit, {@code M} minutes,
 * {@code H} hours, {@code d} days, {@code w} weeks, {@code m} months, {@code y} years; e.g. {@code "1M 2H 3d 4w 5m 6y"}
 * or {@code "2w"}. An expiry is stamped on each snapshot when it is created (creation time + the duration).
 */
public record Expiry(int minutes, int hours, int days, int weeks, int months, int years) {
    private static final Pattern PART = Pattern.compile("(\\d{1,6})([MHdwmy])");

    public static Expiry parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty expiry");
        }
        int[] v = new int[6];
        boolean[] seen = new boolean[6];
        for (String p : value.trim().split("\\s+")) {
            Matcher m = PART.matcher(p);
            if (!m.matches()) {
                throw new IllegalArgumentException("\"" + p + "\" is not an expiry amount (a number and one of M H d w m y: "
                        + "minutes, hours, days, weeks, months, years)");
            }
            int i = "MHdwmy".indexOf(m.group(2));
            if (seen[i]) {
                throw new IllegalArgumentException("unit \"" + m.group(2) + "\" given twice");
            }
            seen[i] = true;
            v[i] = Integer.parseInt(m.group(1));
        }
        return new Expiry(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    /** The expiry time of something created at {@code from}. */
    public ZonedDateTime from(ZonedDateTime from) {
        return from.plusYears(years).plusMonths(months).plusWeeks(weeks).plusDays(days).plusHours(hours).plusMinutes(minutes);
    }
}
