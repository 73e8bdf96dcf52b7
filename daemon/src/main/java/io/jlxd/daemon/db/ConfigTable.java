package io.jlxd.daemon.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/** The server config table: key/value rows. */
public final class ConfigTable {
    private final Database db;

    public ConfigTable(Database db) {
        this.db = db;
    }

    public Map<String, String> load() {
        return db.query(c -> {
            Map<String, String> out = new TreeMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT key, value FROM config")) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }

    /** Replaces the whole table with the given config, in one transaction. */
    public void replace(Map<String, String> config) {
        db.transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM config");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO config(key, value) VALUES (?, ?)")) {
                for (Map.Entry<String, String> e : config.entrySet()) {
                    ps.setString(1, e.getKey());
                    ps.setString(2, e.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }
}
