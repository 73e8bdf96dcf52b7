package io.jlxd.daemon.migration;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Times the steps of one migration side, in order: each {@link #lap} closes the step that began at the previous lap
 * (or at construction) and records it as {@code <name>_ms}. The figures go into the operation's metadata and the log,
 * so that where the frozen time goes can be read from any move.
 */
final class StepClock {
    private final Map<String, Long> steps = new LinkedHashMap<>();
    private long last = System.nanoTime();

    /** Ends the current step as {@code name}; returns its milliseconds. */
    long lap(String name) {
        long now = System.nanoTime();
        long ms = (now - last) / 1_000_000;
        steps.merge(name + "_ms", ms, Long::sum);
        last = now;
        return ms;
    }

    /** Starts a new step now without recording what went before. */
    void restart() {
        last = System.nanoTime();
    }

    Map<String, Long> steps() {
        return new LinkedHashMap<>(steps);
    }
}
