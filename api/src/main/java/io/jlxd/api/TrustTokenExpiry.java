package io.jlxd.api;

import java.time.OffsetDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LXD's expiry expression ({@code core.remote_token_expiry}): space-separated amounts with a unit, {@code S}
 * seconds, {@code M} minutes, {@code H} hours, {@code d} days, {@code w} weeks, {@code m} months, {@code y} years,
 * e.g. {@code "15M"} or {@code "1d 3H"}. Empty means no expiry.
 */
public final class TrustTokenExpiry {
    private static final Pattern PART = Pattern.compile("(\\d{1,6})([SMHdwmy])");

    private TrustTokenExpiry() {
    }

    /** When something created at {@code from} expires; null when {@code value} is empty. */
    public static OffsetDateTime after(OffsetDateTime from, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        OffsetDateTime t = from;
        for (String p : value.trim().split("\\s+")) {
            Matcher m = PART.matcher(p);
            if (!m.matches()) {
                throw new IllegalArgumentException("not an expiry expression (\"" + p + "\": a number and one of S M H d w m y,"
                        + " e.g. 15M or 1d 3H)");
            }
            long n = Long.parseLong(m.group(1));
            t = switch (m.group(2)) {
                case "S" -> t.plusSeconds(n);
                case "M" -> t.plusMinutes(n);
                case "H" -> t.plusHours(n);
                case "d" -> t.plusDays(n);
                case "w" -> t.plusWeeks(n);
                case "m" -> t.plusMonths(n);
                default -> t.plusYears(n);
            };
        }
        return t;
    }
}
