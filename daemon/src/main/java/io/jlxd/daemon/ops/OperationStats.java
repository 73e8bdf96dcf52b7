package io.jlxd.daemon.ops;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Finished operations counted by description (the operation's type, e.g. "Creating instance") and final status,
 * with the sum of their durations: what {@code /1.0/metrics} shows as {@code jlxd_operations_finished_total} and
 * {@code jlxd_operation_duration_seconds_sum}.
 */
public final class OperationStats {
    /** One (description, status) pair. */
    public record Key(String description, String status) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = description.compareTo(o.description);
            return c != 0 ? c : status.compareTo(o.status);
        }
    }

    /** Count and summed duration of one key. */
    public record Totals(long count, double seconds) {
    }

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<Key, DoubleAdder> seconds = new ConcurrentHashMap<>();

    void record(String description, String status, double durationSeconds) {
        Key k = new Key(description, status);
        counts.computeIfAbsent(k, x -> new LongAdder()).increment();
        seconds.computeIfAbsent(k, x -> new DoubleAdder()).add(durationSeconds);
    }

    /** A consistent-enough copy, ordered by key. */
    public Map<Key, Totals> snapshot() {
        Map<Key, Totals> out = new TreeMap<>();
        counts.forEach((k, c) -> out.put(k, new Totals(c.sum(), seconds.getOrDefault(k, new DoubleAdder()).sum())));
        return out;
    }
}
