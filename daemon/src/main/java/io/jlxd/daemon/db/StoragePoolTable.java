package io.jlxd.daemon.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The storage_pools and storage_pools_config tables. */
public final class StoragePoolTable {
    private final Database db;

    public StoragePoolTable(Database db) {
        this.db = db;
    }

    public record Row(String name, String driver, String description, Map<String, String> config) {
    }

    public List<String> names() {
        return db.query(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM storage_pools ORDER BY name"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    public Optional<Row> get(String name) {
        return db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, driver, description FROM storage_pools WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Row(name, rs.getString(2), rs.getString(3),
                            Rows.readConfig(c, "storage_pools_config", "pool_id", rs.getLong(1))));
                }
            }
        });
    }

    /** Inserts a pool; false when the name is taken. */
    public boolean create(Row p) {
        return db.transaction(c -> {
            if (Rows.id(c, "storage_pools", p.name()) != null) {
                return false;
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO storage_pools(name, driver, description) VALUES (?, ?, ?)",
                    java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, p.name());
                ps.setString(2, p.driver());
                ps.setString(3, p.description());
                ps.executeUpdate();
                try (ResultSet k = ps.getGeneratedKeys()) {
                    k.next();
                    id = k.getLong(1);
                }
            }
            Rows.writeConfig(c, "storage_pools_config", "pool_id", id, p.config());
            return true;
        });
    }

    public void update(Row p) {
        db.transaction(c -> {
            Long id = Rows.id(c, "storage_pools", p.name());
            try (PreparedStatement ps = c.prepareStatement("UPDATE storage_pools SET description = ? WHERE id = ?")) {
                ps.setString(1, p.description());
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            Rows.writeConfig(c, "storage_pools_config", "pool_id", id, p.config());
            return null;
        });
    }

    /** Deletes a pool without volumes; false when volumes remain. */
    public boolean delete(String name) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM storage_volumes v JOIN storage_pools p "
                    + "ON p.id = v.pool_id WHERE p.name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM storage_pools WHERE name = ?")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            return true;
        });
    }
}
