package io.jlxd.cli.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * What kind of move happened and how long the instance was out of service, for the line {@code jlxc move} ends with.
 * For a live move the daemons say it in their operations' metadata: {@link #KIND} ({@code live}, {@code stateless}
 * (a last pass while frozen, reported as near-live) or {@code cold}) and {@link #FROZEN} (milliseconds from the freeze
 * on the source until the instance ran on the target); the target's value wins. A near-live or cold move run by the client
 * itself (stop, final sync, start) is timed by the client.
 */
public record MoveReport(Kind kind, Long frozenMillis, long totalMillis) {
    /** Operation metadata key: the kind of move the daemons made ({@code live}, {@code stateless}, {@code cold}). */
    public static final String KIND = "migration_type";
    /** Operation metadata key: milliseconds from the freeze on the source until the instance ran on the target. */
    public static final String FROZEN = "downtime_ms";

    public enum Kind {
        LIVE("live"), NEAR_LIVE("near-live"), COLD("cold");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.wire.equalsIgnoreCase(s) || k.name().equalsIgnoreCase(s)) {
                    return k;
                }
            }
            return s.equalsIgnoreCase("stateless") ? NEAR_LIVE : null;
        }
    }

    /**
     * The report of a daemon-driven (live) move from the final metadata of both operations; {@code assumed} is the
     * kind asked for when the daemons do not say.
     */
    public static MoveReport fromOperations(JsonNode sourceOp, JsonNode targetOp, Kind assumed, long totalMillis) {
        Kind kind = null;
        Long frozen = null;
        for (JsonNode op : new JsonNode[] {sourceOp, targetOp}) {
            JsonNode m = op == null ? null : op.path("metadata");
            if (m == null || !m.isObject()) {
                continue;
            }
            Kind k = m.hasNonNull(KIND) ? Kind.parse(m.get(KIND).asText()) : null;
            if (k != null) {
                kind = k;
            }
            if (m.hasNonNull(FROZEN) && m.get(FROZEN).canConvertToLong()) {
                frozen = m.get(FROZEN).asLong();
            }
        }
        return new MoveReport(kind == null ? assumed : kind, frozen, totalMillis);
    }

    /** "Moved local:c1 to host2:c1: live, frozen for 0.41 s (3.20 s in all)". */
    public String describe(String from, String to) {
        StringBuilder s = new StringBuilder("Moved ").append(from).append(" to ").append(to).append(": ");
        switch (kind) {
            case LIVE -> {
                s.append("live (CRIU: processes and memory kept), ");
                s.append(frozenMillis == null ? "frozen time not reported by the daemons"
                        : "frozen for " + seconds(frozenMillis));
            }
            case NEAR_LIVE -> {
                s.append("near-live (stateless: filesystem copied while running, then stopped, synced and restarted), ");
                s.append(frozenMillis == null ? "down time not reported" : "down for " + seconds(frozenMillis));
            }
            case COLD -> s.append("cold (the instance was stopped");
        }
        if (kind == Kind.COLD) {
            s.append(frozenMillis == null ? ")" : ", down for " + seconds(frozenMillis) + ")");
        }
        s.append(" (").append(seconds(totalMillis)).append(" in all)");
        return s.toString();
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
    }
}
