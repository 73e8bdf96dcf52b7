package io.jlxd.daemon.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Count and summed duration of a kind of work, per label values (a Prometheus summary without quantiles): CRIU
 * dumps and restores, later migrations. Thread-safe; recording costs two adder increments.
 */
public final class Durations {
    /** Count and summed seconds for one set of label values. */
    public record Totals(long count, double seconds) {
    }

    private final Map<List<String>, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<List<String>, DoubleAdder> sums = new ConcurrentHashMap<>();

    /** Records one run of {@code nanos} for the label values {@code labels}. */
    public void record(long nanos, String... labels) {
        List<String> k = List.of(labels);
        counts.computeIfAbsent(k, x -> new LongAdder()).increment();
        sums.computeIfAbsent(k, x -> new DoubleAdder()).add(nanos / 1e9);
    }

    /** A copy ordered by label values. */
    public Map<List<String>, Totals> snapshot() {
        Map<List<String>, Totals> out = new TreeMap<>((a, b) -> String.join("\0", a).compareTo(String.join("\0", b)));
        counts.forEach((k, c) -> out.put(k, new Totals(c.sum(), sums.getOrDefault(k, new DoubleAdder()).sum())));
        return out;
    }
}
