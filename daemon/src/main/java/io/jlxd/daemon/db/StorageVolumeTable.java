package io.jlxd.daemon.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The storage_volumes, storage_volumes_config and storage_volumes_snapshots tables. */
public final class StorageVolumeTable {
    private final Database db;

    public StorageVolumeTable(Database db) {
        this.db = db;
    }

    public record Row(String pool, String type, String name, String description, OffsetDateTime createdAt,
                      Map<String, String> config) {
    }

    public record Snapshot(String name, String description, OffsetDateTime createdAt, OffsetDateTime expiresAt) {
    }

    private static Long poolId(Connection c, String pool) throws SQLException {
        return Rows.id(c, "storage_pools", pool);
    }

    private static Long volumeId(Connection c, String pool, String type, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT v.id FROM storage_volumes v JOIN storage_pools p ON p.id = v.pool_id "
                + "WHERE p.name = ? AND v.type = ? AND v.name = ?")) {
            ps.setString(1, pool);
            ps.setString(2, type);
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** Volumes of a pool, of one type or of all (type null), ordered by type and name. */
    public List<Row> list(String pool, String type) {
        return db.query(c -> {
            List<Row> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT v.id, v.type, v.name, v.description, v.created_at FROM storage_volumes v "
                    + "JOIN storage_pools p ON p.id = v.pool_id WHERE p.name = ? AND (? IS NULL OR v.type = ?) ORDER BY v.type, v.name")) {
                ps.setString(1, pool);
                ps.setString(2, type);
                ps.setString(3, type);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Row(pool, rs.getString(2), rs.getString(3), rs.getString(4),
                                OffsetDateTime.parse(rs.getString(5)), Rows.readConfig(c, "storage_volumes_config", "volume_id", rs.getLong(1))));
                    }
                }
            }
            return out;
        });
    }

    /** The custom volumes of every pool (no config), ordered by pool and name. */
    public List<Row> allCustom() {
        return db.query(c -> {
            List<Row> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT p.name, v.name, v.description, v.created_at FROM storage_volumes v "
                    + "JOIN storage_pools p ON p.id = v.pool_id WHERE v.type = 'custom' ORDER BY p.name, v.name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), "custom", rs.getString(2), rs.getString(3), OffsetDateTime.parse(rs.getString(4)), Map.of()));
                }
            }
            return out;
        });
    }

    public Optional<Row> get(String pool, String type, String name) {
        return db.query(c -> {
            Long id = volumeId(c, pool, type, name);
            if (id == null) {
                return Optional.empty();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT description, created_at FROM storage_volumes WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Optional.of(new Row(pool, type, name, rs.getString(1), OffsetDateTime.parse(rs.getString(2)),
                            Rows.readConfig(c, "storage_volumes_config", "volume_id", id)));
                }
            }
        });
    }

    /** The pool holding the volume of that type and name, if any (container volumes: one per instance). */
    public Optional<String> poolOf(String type, String name) {
        return db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT p.name FROM storage_volumes v JOIN storage_pools p ON p.id = v.pool_id "
                    + "WHERE v.type = ? AND v.name = ? ORDER BY p.name")) {
                ps.setString(1, type);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Inserts a volume row; false when it exists. */
    public boolean create(Row v) {
        return db.transaction(c -> {
            Long pool = poolId(c, v.pool());
            if (pool == null) {
                throw new IllegalStateException("no pool " + v.pool());
            }
            if (volumeId(c, v.pool(), v.type(), v.name()) != null) {
                return false;
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO storage_volumes(pool_id, type, name, description, created_at) "
                    + "VALUES (?, ?, ?, ?, ?)", java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, pool);
                ps.setString(2, v.type());
                ps.setString(3, v.name());
                ps.setString(4, v.description());
                ps.setString(5, v.createdAt().toString());
                ps.executeUpdate();
                try (ResultSet k = ps.getGeneratedKeys()) {
                    k.next();
                    id = k.getLong(1);
                }
            }
            Rows.writeConfig(c, "storage_volumes_config", "volume_id", id, v.config());
            return true;
        });
    }

    public void update(Row v) {
        db.transaction(c -> {
            Long id = volumeId(c, v.pool(), v.type(), v.name());
            try (PreparedStatement ps = c.prepareStatement("UPDATE storage_volumes SET description = ? WHERE id = ?")) {
                ps.setString(1, v.description());
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            Rows.writeConfig(c, "storage_volumes_config", "volume_id", id, v.config());
            return null;
        });
    }

    public boolean rename(String pool, String type, String from, String to) {
        return db.transaction(c -> {
            if (volumeId(c, pool, type, to) != null) {
                return false;
            }
            Long id = volumeId(c, pool, type, from);
            try (PreparedStatement ps = c.prepareStatement("UPDATE storage_volumes SET name = ? WHERE id = ?")) {
                ps.setString(1, to);
                ps.setLong(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public boolean delete(String pool, String type, String name) {
        return db.transaction(c -> {
            Long id = volumeId(c, pool, type, name);
            if (id == null) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM storage_volumes WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            return true;
        });
    }

    // --- snapshots of custom volumes

    public List<Snapshot> snapshots(String pool, String type, String volume) {
        return db.query(c -> {
            List<Snapshot> out = new ArrayList<>();
            Long id = volumeId(c, pool, type, volume);
            if (id == null) {
                return out;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT name, description, created_at, expires_at FROM storage_volumes_snapshots "
                    + "WHERE volume_id = ? ORDER BY created_at, id")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String exp = rs.getString(4);
                        out.add(new Snapshot(rs.getString(1), rs.getString(2), OffsetDateTime.parse(rs.getString(3)),
                                exp == null ? null : OffsetDateTime.parse(exp)));
                    }
                }
            }
            return out;
        });
    }

    public boolean createSnapshot(String pool, String type, String volume, Snapshot s) {
        return db.transaction(c -> {
            Long id = volumeId(c, pool, type, volume);
            try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO storage_volumes_snapshots(volume_id, name, description, "
                    + "created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setLong(1, id);
                ps.setString(2, s.name());
                ps.setString(3, s.description());
                ps.setString(4, s.createdAt().toString());
                ps.setString(5, s.expiresAt() == null ? null : s.expiresAt().toString());
                return ps.executeUpdate() == 1;
            }
        });
    }

    public boolean updateSnapshot(String pool, String type, String volume, String name, Snapshot s) {
        return db.transaction(c -> {
            Long id = volumeId(c, pool, type, volume);
            try (PreparedStatement ps = c.prepareStatement("UPDATE OR IGNORE storage_volumes_snapshots SET name = ?, description = ?, "
                    + "expires_at = ? WHERE volume_id = ? AND name = ?")) {
                ps.setString(1, s.name());
                ps.setString(2, s.description());
                ps.setString(3, s.expiresAt() == null ? null : s.expiresAt().toString());
                ps.setLong(4, id);
                ps.setString(5, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public void deleteSnapshot(String pool, String type, String volume, String name) {
        db.transaction(c -> {
            Long id = volumeId(c, pool, type, volume);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM storage_volumes_snapshots WHERE volume_id = ? AND name = ?")) {
                ps.setLong(1, id);
                ps.setString(2, name);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
