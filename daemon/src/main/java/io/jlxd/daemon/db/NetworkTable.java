package io.jlxd.daemon.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The networks and networks_config tables. */
public final class NetworkTable {
    private final Database db;

    public NetworkTable(Database db) {
        this.db = db;
    }

    public record Row(String name, String type, String description, Map<String, String> config) {
    }

    public List<String> names() {
        return db.query(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM networks ORDER BY name"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    public Optional<Row> get(String name) {
        return db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, type, description FROM networks WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Row(name, rs.getString(2), rs.getString(3),
                            Rows.readConfig(c, "networks_config", "network_id", rs.getLong(1))));
                }
            }
        });
    }

    /** Inserts a network; false when the name is taken. */
    public boolean create(Row r) {
        return db.transaction(c -> {
            if (Rows.id(c, "networks", r.name()) != null) {
                return false;
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO networks(name, type, description) VALUES (?, ?, ?)",
                    java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, r.name());
                ps.setString(2, r.type());
                ps.setString(3, r.description());
                ps.executeUpdate();
                try (ResultSet k = ps.getGeneratedKeys()) {
                    k.next();
                    id = k.getLong(1);
                }
            }
            Rows.writeConfig(c, "networks_config", "network_id", id, r.config());
            return true;
        });
    }

    public void update(Row r) {
        db.transaction(c -> {
            Long id = Rows.id(c, "networks", r.name());
            try (PreparedStatement ps = c.prepareStatement("UPDATE networks SET description = ? WHERE id = ?")) {
                ps.setString(1, r.description());
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            Rows.writeConfig(c, "networks_config", "network_id", id, r.config());
            return null;
        });
    }

    /** Renames; false when {@code to} is taken. */
    public boolean rename(String from, String to) {
        return db.transaction(c -> {
            if (Rows.id(c, "networks", to) != null) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE networks SET name = ? WHERE name = ?")) {
                ps.setString(1, to);
                ps.setString(2, from);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** Deletes a network with its config and forwards. */
    public void delete(String name) {
        db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM networks WHERE name = ?")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
