package io.jlxd.daemon.db;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jlxd.api.Json;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The projects table (migration V8): name, description, config (a JSON object). */
public final class ProjectTable {
    private final Database db;

    public ProjectTable(Database db) {
        this.db = db;
    }

    /** One stored project. */
    public record Row(String name, String description, Map<String, String> config) {
    }

    public List<Row> all() {
        return db.query(c -> {
            List<Row> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, description, config FROM projects ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), rs.getString(2), config(rs.getString(3))));
                }
            }
            return out;
        });
    }

    public Optional<Row> get(String name) {
        return db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name, description, config FROM projects WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Row(rs.getString(1), rs.getString(2), config(rs.getString(3)))) : Optional.empty();
                }
            }
        });
    }

    /** Inserts a project; false when the name is taken. */
    public boolean create(Row r) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO projects(name, description, config) VALUES (?, ?, ?)")) {
                ps.setString(1, r.name());
                ps.setString(2, r.description());
                ps.setString(3, json(r.config()));
                return ps.executeUpdate() == 1;
            }
        });
    }

    public void update(Row r) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE projects SET description = ?, config = ? WHERE name = ?")) {
                ps.setString(1, r.description());
                ps.setString(2, json(r.config()));
                ps.setString(3, r.name());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Renames; false when the new name is taken. */
    public boolean rename(String from, String to) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM projects WHERE name = ?")) {
                ps.setString(1, to);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE projects SET name = ? WHERE name = ?")) {
                ps.setString(1, to);
                ps.setString(2, from);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public boolean delete(String name) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM projects WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static Map<String, String> config(String json) {
        try {
            return new TreeMap<>(Json.lenient().readValue(json, new TypeReference<Map<String, String>>() { }));
        } catch (IOException e) {
            throw new IllegalStateException("bad project config column: " + json, e);
        }
    }

    private static String json(Map<String, String> config) {
        try {
            return Json.lenient().writeValueAsString(new TreeMap<>(config));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
