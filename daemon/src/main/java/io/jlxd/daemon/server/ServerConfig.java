package io.jlxd.daemon.server;

import io.jlxd.api.config.ServerConfigKeys;
import io.jlxd.daemon.db.ConfigTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server configuration: validated against {@link ServerConfigKeys#SCHEMA}, kept in memory for fast reads
 * and stored in SQLite. A change is applied to the running daemon first (appliers, e.g. the HTTPS listener);
 * if an applier refuses, the earlier appliers are reverted and nothing is stored.
 */
public final class ServerConfig {
    private final ConfigTable table;
    private final List<Applier> appliers = new ArrayList<>();
    private volatile Map<String, String> current;

    /** Applies a config change to the running daemon; throws to refuse it. */
    public interface Applier {
        void apply(Map<String, String> before, Map<String, String> after) throws Exception;
    }

    public ServerConfig(ConfigTable table) {
        this.table = table;
        this.current = Map.copyOf(table.load());
    }

    public void addApplier(Applier applier) {
        appliers.add(applier);
    }

    public Map<String, String> get() {
        return current;
    }

    public String get(String key) {
        String v = current.get(key);
        if (v != null) {
            return v;
        }
        return ServerConfigKeys.SCHEMA.find(key).map(k -> k.defaultValue()).orElse("");
    }

    /** Replaces the whole config (PUT). Empty values are dropped (they mean "unset"). */
    public synchronized void replace(Map<String, String> config) throws Exception {
        ServerConfigKeys.SCHEMA.validate(config);
        Map<String, String> next = new TreeMap<>();
        config.forEach((k, v) -> {
            if (!v.isEmpty()) {
                next.put(k, v);
            }
        });
        commit(next);
    }

    /** Merges keys into the config (PATCH); an empty value unsets its key. */
    public synchronized void patch(Map<String, String> changes) throws Exception {
        ServerConfigKeys.SCHEMA.validate(changes);
        Map<String, String> next = new TreeMap<>(current);
        changes.forEach((k, v) -> {
            if (v.isEmpty()) {
                next.remove(k);
            } else {
                next.put(k, v);
            }
        });
        commit(next);
    }

    /** Re-applies the stored config at daemon start. */
    public void applyAtStart() throws Exception {
        for (Applier a : appliers) {
            a.apply(Map.of(), current);
        }
    }

    private void commit(Map<String, String> next) throws Exception {
        Map<String, String> before = current;
        List<Applier> done = new ArrayList<>();
        try {
            for (Applier a : appliers) {
                a.apply(before, next);
                done.add(a);
            }
            table.replace(next);
        } catch (Exception e) {
            for (int i = done.size() - 1; i >= 0; i--) {
                try {
                    done.get(i).apply(next, before);
                } catch (Exception revertFailure) {
                    e.addSuppressed(revertFailure);
                }
            }
            throw e;
        }
        current = Map.copyOf(next);
    }
}
