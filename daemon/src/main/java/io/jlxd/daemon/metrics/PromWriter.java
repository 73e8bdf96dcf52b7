package io.jlxd.daemon.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus text exposition format (version 0.0.4): families in the order first written, each with one
 * {@code # HELP} and {@code # TYPE} line before its samples, label values escaped. Samples may be added to a family
 * in any order; {@link #text()} groups them.
 */
public final class PromWriter {
    /** The metric types used here. */
    public enum Type { COUNTER, GAUGE, SUMMARY }

    private record Family(String help, Type type, StringBuilder samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** Declares a family (idempotent; the first help and type win). */
    public PromWriter family(String name, Type type, String help) {
        requireName(name);
        families.putIfAbsent(name, new Family(help, type, new StringBuilder()));
        return this;
    }

    /** A sample of a declared family; {@code labels} alternate names and values. For summaries {@code suffix} is "_sum"/"_count". */
    public PromWriter sample(String name, String suffix, double value, List<String> labels) {
        Family f = families.get(name);
        if (f == null) {
            throw new IllegalStateException("undeclared metric family " + name);
        }
        if (labels.size() % 2 != 0) {
            throw new IllegalArgumentException("labels must be name/value pairs");
        }
        StringBuilder sb = f.samples().append(name).append(suffix);
        if (!labels.isEmpty()) {
            sb.append('{');
            for (int i = 0; i < labels.size(); i += 2) {
                requireName(labels.get(i));
                sb.append(i == 0 ? "" : ",").append(labels.get(i)).append("=\"").append(escape(labels.get(i + 1))).append('"');
            }
            sb.append('}');
        }
        sb.append(' ').append(format(value)).append('\n');
        return this;
    }

    public PromWriter sample(String name, double value, List<String> labels) {
        return sample(name, "", value, labels);
    }

    /** The whole exposition; families without samples are left out. */
    public String text() {
        StringBuilder out = new StringBuilder();
        families.forEach((name, f) -> {
            if (!f.samples().isEmpty()) {
                out.append("# HELP ").append(name).append(' ').append(f.help().replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
                out.append("# TYPE ").append(name).append(' ').append(f.type().name().toLowerCase()).append('\n');
                out.append(f.samples());
            }
        });
        return out.toString();
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static void requireName(String n) {
        if (!n.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("invalid metric or label name: " + n);
        }
    }
}
