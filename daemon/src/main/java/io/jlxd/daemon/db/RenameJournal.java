package io.jlxd.daemon.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.TreeMap;

/** The instance rename journal (migration V5_2): old name to new name, while a rename is under way. */
public class RenameJournal {
    private final Database db;

    public RenameJournal(Database db) {
        this.db = db;
    }

    public void begin(String from, String to) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO instances_renames(old_name, new_name) VALUES (?, ?)")) {
                ps.setString(1, from);
                ps.setString(2, to);
                return ps.executeUpdate();
            }
        });
    }

    public void end(String from) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM instances_renames WHERE old_name = ?")) {
                ps.setString(1, from);
                return ps.executeUpdate();
            }
        });
    }

    /** Renames under way when the daemon stopped: old name to new name. */
    public Map<String, String> pending() {
        return db.query(c -> {
            Map<String, String> out = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT old_name, new_name FROM instances_renames");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }
}
