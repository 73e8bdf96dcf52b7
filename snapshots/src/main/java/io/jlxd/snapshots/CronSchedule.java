package io.jlxd.snapshots;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code snapshots.schedule} value: one or more schedules separated by commas, each a cron expression
 * ({@link CronExpr}) or an alias ({@code @hourly @daily @midnight @weekly @monthly @yearly @annually}). A comma
 * separates two schedules when it is followed by white space or by {@code @}, or follows an alias (a comma inside a cron field, as in
 * {@code 0 1,13 * * *}, is a list). A slot is a time at which any of the schedules fires.
 */
public final class CronSchedule {
    private static final Map<String, String> ALIASES = Map.of(
            "@hourly", "0 * * * *",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@weekly", "0 0 * * 0",
            "@monthly", "0 0 1 * *",
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");

    private final List<CronExpr> exprs;

    private CronSchedule(List<CronExpr> exprs) {
        this.exprs = exprs;
    }

    /** Parses a schedule; throws IllegalArgumentException saying what is wrong. */
    public static CronSchedule parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty schedule");
        }
        List<CronExpr> out = new ArrayList<>();
        for (String part : value.trim().split(",\\s+|,(?=@)|(?<=@[a-z]{1,12}),")) {
            String p = part.trim();
            if (p.startsWith("@")) {
                String cron = ALIASES.get(p);
                if (cron == null) {
                    throw new IllegalArgumentException("unknown schedule alias \"" + p + "\" (" + String.join(", ",
                            new java.util.TreeSet<>(ALIASES.keySet())) + ")");
                }
                out.add(CronExpr.parse(cron));
            } else {
                out.add(CronExpr.parse(p));
            }
        }
        return new CronSchedule(List.copyOf(out));
    }

    public List<CronExpr> expressions() {
        return exprs;
    }

    /** The first slot of any expression strictly after {@code after}. */
    public Optional<ZonedDateTime> next(ZonedDateTime after) {
        Optional<ZonedDateTime> best = Optional.empty();
        for (CronExpr e : exprs) {
            Optional<ZonedDateTime> n = e.next(after);
            if (n.isPresent() && (best.isEmpty() || n.get().isBefore(best.get()))) {
                best = n;
            }
        }
        return best;
    }

    /**
     * The latest slot in {@code (after, now]}, or empty when no slot fell in that interval. Missed slots are not
     * replayed one by one: a scheduler that was down fires once for the latest one.
     */
    public Optional<ZonedDateTime> latestDue(ZonedDateTime after, ZonedDateTime now) {
        Optional<ZonedDateTime> due = Optional.empty();
        ZonedDateTime t = after;
        for (int i = 0; i < 1_000_000; i++) {
            Optional<ZonedDateTime> n = next(t);
            if (n.isEmpty() || n.get().isAfter(now)) {
                return due;
            }
            due = n;
            t = n.get();
            if (i > 1000) {
                // A fine-grained schedule and a long gap: jump close to now and continue from there.
                ZonedDateTime near = now.minusMinutes(1);
                if (near.isAfter(t)) {
                    t = near;
                }
            }
        }
        return due;
    }
}
