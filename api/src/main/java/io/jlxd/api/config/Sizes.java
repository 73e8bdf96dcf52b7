package io.jlxd.api.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses LXD-style sizes: "512MiB", "1GB", "1048576", and for memory also "50%". */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKMGTPE]i?B?|B)?");

    private Sizes() {
    }

    /** Bytes of a size with an optional unit (decimal kB/MB/GB or binary KiB/MiB/GiB; a bare number is bytes). */
    public static long parseBytes(String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size such as 512MiB or 2GB");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long mult = switch (unit.toUpperCase(Locale.ROOT).replace("B", "")) {
            case "" -> 1L;
            case "K" -> 1000L;
            case "KI" -> 1L << 10;
            case "M" -> 1000L * 1000;
            case "MI" -> 1L << 20;
            case "G" -> 1000L * 1000 * 1000;
            case "GI" -> 1L << 30;
            case "T" -> 1000L * 1000 * 1000 * 1000;
            case "TI" -> 1L << 40;
            case "P" -> 1000L * 1000 * 1000 * 1000 * 1000;
            case "PI" -> 1L << 50;
            case "E" -> 1000L * 1000 * 1000 * 1000 * 1000 * 1000;
            case "EI" -> 1L << 60;
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
        double bytes = n * mult;
        if (bytes > Long.MAX_VALUE) {
            throw new IllegalArgumentException("too large");
        }
        return (long) bytes;
    }

    /** A memory limit: a size, or a percentage (returned as a negative number of hundredths: -5000 = 50%). */
    public static long parseMemory(String value) {
        String v = value.trim();
        if (v.endsWith("%")) {
            double pct;
            try {
                pct = Double.parseDouble(v.substring(0, v.length() - 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a percentage such as 50%");
            }
            if (pct <= 0 || pct > 100) {
                throw new IllegalArgumentException("a percentage must be in (0, 100]");
            }
            return -Math.round(pct * 100);
        }
        long b = parseBytes(v);
        if (b < 4L * 1024 * 1024) {
            throw new IllegalArgumentException("below the 4MiB minimum");
        }
        return b;
    }
}
