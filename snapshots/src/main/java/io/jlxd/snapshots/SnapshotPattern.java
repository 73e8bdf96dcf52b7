package io.jlxd.snapshots;

import java.time.ZonedDateTime;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code snapshots.pattern}: the name given to scheduled snapshots and to snapshots created without a name. As in LXD,
 * {@code %d} is replaced by one more than the highest number in use with the pattern (0 at first; at most one {@code %d}), the default being {@code snap%d};
 * a pattern without {@code %d} gets {@code -%d} appended when its name is taken. LXD's pongo2 date placeholder
 * {@code {{ creation_date|date:'2006-01-02_15-04-05' }}} is supported with Go's layout tokens 2006, 01, 02, 15, 04,
 * 05 (year, month, day, hour, minute, second of the creation time).
 */
public final class SnapshotPattern {
    public static final String DEFAULT = "snap%d";
    private static final Pattern DATE = Pattern.compile("\\{\\{\\s*creation_date\\s*\\|\\s*date\\s*:\\s*(['\"])([^'\"]*)\\1\\s*}}");

    private SnapshotPattern() {
    }

    /** Checks a pattern: at most one %d, no '/', known placeholders only. */
    public static void validate(String pattern) {
        String rendered = render(pattern, ZonedDateTime.now());
        if (rendered.indexOf("%d") != rendered.lastIndexOf("%d")) {
            throw new IllegalArgumentException("more than one %d");
        }
        if (rendered.contains("{{") || rendered.contains("}}")) {
            throw new IllegalArgumentException("unknown placeholder (only {{ creation_date|date:'2006-01-02_15-04-05' }})");
        }
        if (rendered.replace("%d", "0").isEmpty() || rendered.contains("/") || rendered.startsWith(".")) {
            throw new IllegalArgumentException("the names it gives would be invalid (empty, '/', or leading '.')");
        }
    }

    /** The name for a new snapshot created at {@code at}, given the instance's existing snapshot names. */
    public static String next(String pattern, ZonedDateTime at, Set<String> existing) {
        String p = render(pattern == null || pattern.isEmpty() ? DEFAULT : pattern, at);
        if (!p.contains("%d")) {
            if (!existing.contains(p)) {
                return p;
            }
            p = p + "-%d";
        }
        // As LXD: one more than the highest number already used with this pattern (names never come back).
        java.util.regex.Pattern numbered = java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote(p).replace("%d", "\\E(\\d{1,9})\\Q"));
        int next = 0;
        for (String e : existing) {
            Matcher m = numbered.matcher(e);
            if (m.matches()) {
                next = Math.max(next, Integer.parseInt(m.group(1)) + 1);
            }
        }
        return p.replace("%d", Integer.toString(next));
    }

    static String render(String pattern, ZonedDateTime at) {
        Matcher m = DATE.matcher(pattern);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String layout = m.group(2);
            String v = layout(m.group(2), at);
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Go layout tokens, scanned left to right so that a value written never becomes a token. */
    private static String layout(String layout, ZonedDateTime at) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < layout.length()) {
            if (layout.startsWith("2006", i)) {
                out.append(String.format("%04d", at.getYear()));
                i += 4;
                continue;
            }
            String two = i + 2 <= layout.length() ? layout.substring(i, i + 2) : "";
            int v = switch (two) {
                case "01" -> at.getMonthValue();
                case "02" -> at.getDayOfMonth();
                case "15" -> at.getHour();
                case "04" -> at.getMinute();
                case "05" -> at.getSecond();
                default -> -1;
            };
            if (v >= 0) {
                out.append(String.format("%02d", v));
                i += 2;
            } else {
                out.append(layout.charAt(i++));
            }
        }
        return out.toString();
    }
}
