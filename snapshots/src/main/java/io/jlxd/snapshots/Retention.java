package io.jlxd.snapshots;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A {@code snapshots.retention} policy: comma-separated {@code rule=N} with rules {@code last}, {@code hourly},
 * {@code daily}, {@code weekly}, {@code monthly}, {@code yearly}, e.g. {@code "hourly=24,daily=7,weekly=4"}.
 *
 * <p>Semantics (restic's "keep" rules): the snapshots under the policy are ordered newest first. {@code last=N}
 * keeps the N newest. A period rule such as {@code daily=N} walks them newest first and keeps the newest snapshot of
 * each calendar period (hour, day, ISO week, month, year in the daemon's time zone) that holds at least one snapshot,
 * until it has kept N of them: periods without snapshots are skipped, not counted, so a pause in snapshotting does not
 * empty the history. The rules are independent; a snapshot is kept when at least one rule keeps it, and every other
 * one is pruned. A rule left out counts as 0; a policy whose counts are all 0 is refused.
 */
public record Retention(Map<String, Integer> rules) {
    public static final List<String> RULES = List.of("last", "hourly", "daily", "weekly", "monthly", "yearly");

    /** A snapshot under a retention policy. */
    public record Item(String name, ZonedDateTime createdAt) {
    }

    public static Retention parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty retention policy");
        }
        Map<String, Integer> rules = new LinkedHashMap<>();
        for (String part : value.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            String rule = eq < 0 ? p : p.substring(0, eq).trim();
            String n = eq < 0 ? "" : p.substring(eq + 1).trim();
            if (!RULES.contains(rule)) {
                throw new IllegalArgumentException("unknown rule \"" + rule + "\" (" + String.join(", ", RULES) + ", each as rule=N)");
            }
            if (!n.matches("\\d{1,6}")) {
                throw new IllegalArgumentException("rule \"" + rule + "\" needs a count (" + rule + "=N)");
            }
            if (rules.put(rule, Integer.parseInt(n)) != null) {
                throw new IllegalArgumentException("rule \"" + rule + "\" given twice");
            }
        }
        if (rules.values().stream().allMatch(c -> c == 0)) {
            throw new IllegalArgumentException("every count is 0: the policy would delete every scheduled snapshot");
        }
        return new Retention(Map.copyOf(rules));
    }

    /** The names the policy keeps among {@code items} (times are read in {@code zone}). */
    public Set<String> keep(List<Item> items, ZoneId zone) {
        List<Item> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(Item::createdAt).thenComparing(Item::name).reversed());
        Set<String> keep = new HashSet<>();
        for (Map.Entry<String, Integer> r : rules.entrySet()) {
            Function<ZonedDateTime, Object> period = period(r.getKey());
            int kept = 0;
            Object last = null;
            for (Item it : sorted) {
                if (kept >= r.getValue()) {
                    break;
                }
                Object p = period.apply(it.createdAt().withZoneSameInstant(zone));
                if (last == null || !Objects.equals(p, last)) {
                    keep.add(it.name());
                    kept++;
                    last = p;
                }
            }
        }
        return keep;
    }

    /** The names the policy prunes among {@code items}, oldest first. */
    public List<String> prune(List<Item> items, ZoneId zone) {
        Set<String> keep = keep(items, zone);
        return items.stream().sorted(Comparator.comparing(Item::createdAt).thenComparing(Item::name))
                .map(Item::name).filter(n -> !keep.contains(n)).toList();
    }

    private static Function<ZonedDateTime, Object> period(String rule) {
        return switch (rule) {
            case "last" -> t -> new Object(); // every snapshot is its own period
            case "hourly" -> t -> List.of(t.getYear(), t.getDayOfYear(), t.getHour());
            case "daily" -> t -> List.of(t.getYear(), t.getDayOfYear());
            case "weekly" -> t -> List.of(t.get(IsoFields.WEEK_BASED_YEAR), t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case "monthly" -> t -> List.of(t.getYear(), t.getMonthValue());
            default -> t -> List.of(t.getYear());
        };
    }
}
