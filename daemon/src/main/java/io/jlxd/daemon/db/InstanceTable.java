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

/** The instances tables: instances, their config, volatile keys, devices and profile links. */
public final class InstanceTable {
    private final Database db;

    public InstanceTable(Database db) {
        this.db = db;
    }

    /**
     * One stored instance. {@code config} holds the user's keys only; {@code volatileConfig} the daemon's.
     */
    public record Row(String name, String architecture, boolean ephemeral, boolean stateful, String description,
                      OffsetDateTime createdAt, OffsetDateTime lastUsedAt, Map<String, String> config,
                      Map<String, String> volatileConfig, Map<String, Map<String, String>> devices, List<String> profiles) {
    }

    public List<String> names() {
        return db.query(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM instances ORDER BY name"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    public Optional<Row> get(String name) {
        return db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, architecture, ephemeral, stateful, description, created_at, last_used_at FROM instances WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long id = rs.getLong(1);
                    return Optional.of(new Row(name, rs.getString(2), rs.getInt(3) != 0, rs.getInt(4) != 0, rs.getString(5),
                            OffsetDateTime.parse(rs.getString(6)), OffsetDateTime.parse(rs.getString(7)),
                            Rows.readConfig(c, "instances_config", "instance_id", id),
                            Rows.readConfig(c, "instances_volatile", "instance_id", id),
                            Rows.readDevices(c, "instances_devices", "instance_id", id), profiles(c, id)));
                }
            }
        });
    }

    /** Inserts a new instance; false when the name is taken. Profiles must exist. */
    public boolean create(Row r) {
        return db.transaction(c -> {
            if (Rows.id(c, "instances", r.name()) != null) {
                return false;
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO instances(name, type, architecture, ephemeral, stateful, "
                    + "description, created_at, last_used_at) VALUES (?, 'container', ?, ?, ?, ?, ?, ?)", java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, r.name());
                ps.setString(2, r.architecture());
                ps.setInt(3, r.ephemeral() ? 1 : 0);
                ps.setInt(4, r.stateful() ? 1 : 0);
                ps.setString(5, r.description());
                ps.setString(6, r.createdAt().toString());
                ps.setString(7, r.lastUsedAt().toString());
                ps.executeUpdate();
                try (ResultSet k = ps.getGeneratedKeys()) {
                    k.next();
                    id = k.getLong(1);
                }
            }
            writeLocal(c, id, r);
            Rows.writeConfig(c, "instances_volatile", "instance_id", id, r.volatileConfig());
            return true;
        });
    }

    /** Replaces the writable part (architecture, ephemeral, description, config, devices, profiles); volatile keys stay. */
    public void update(Row r) {
        db.transaction(c -> {
            long id = require(c, r.name());
            try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET architecture = ?, ephemeral = ?, description = ? WHERE id = ?")) {
                ps.setString(1, r.architecture());
                ps.setInt(2, r.ephemeral() ? 1 : 0);
                ps.setString(3, r.description());
                ps.setLong(4, id);
                ps.executeUpdate();
            }
            writeLocal(c, id, r);
            return null;
        });
    }

    private static void writeLocal(Connection c, long id, Row r) throws SQLException {
        Rows.writeConfig(c, "instances_config", "instance_id", id, r.config());
        Rows.writeDevices(c, "instances_devices", "instance_id", id, r.devices());
        try (PreparedStatement del = c.prepareStatement("DELETE FROM instances_profiles WHERE instance_id = ?")) {
            del.setLong(1, id);
            del.executeUpdate();
        }
        int order = 0;
        for (String p : r.profiles()) {
            Long pid = Rows.id(c, "profiles", p);
            if (pid == null) {
                throw new SQLException("profile not found: " + p);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO instances_profiles(instance_id, profile_id, apply_order) VALUES (?, ?, ?)")) {
                ps.setLong(1, id);
                ps.setLong(2, pid);
                ps.setInt(3, order++);
                ps.executeUpdate();
            }
        }
    }

    /** Sets (value non-null) or removes (null) one volatile key. */
    public void setVolatile(String name, String key, String value) {
        if (!key.startsWith("volatile.")) {
            throw new IllegalArgumentException("not a volatile key: " + key);
        }
        db.transaction(c -> {
            long id = require(c, name);
            try (PreparedStatement ps = c.prepareStatement(value == null ? "DELETE FROM instances_volatile WHERE instance_id = ? AND key = ?"
                    : "INSERT INTO instances_volatile(instance_id, key, value) VALUES (?, ?, ?) ON CONFLICT(instance_id, key) DO UPDATE SET value = excluded.value")) {
                ps.setLong(1, id);
                ps.setString(2, key);
                if (value != null) {
                    ps.setString(3, value);
                }
                ps.executeUpdate();
            }
            return null;
        });
    }

    public void touch(String name, OffsetDateTime at) {
        db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET last_used_at = ? WHERE name = ?")) {
                ps.setString(1, at.toString());
                ps.setString(2, name);
                return ps.executeUpdate();
            }
        });
    }

    /** Sets the "stateful" flag: a CRIU checkpoint of a stateful stop is saved in the instance volume. */
    public void setStateful(String name, boolean stateful) {
        db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET stateful = ? WHERE name = ?")) {
                ps.setInt(1, stateful ? 1 : 0);
                ps.setString(2, name);
                return ps.executeUpdate();
            }
        });
    }

    /** Renames; false when the new name is taken. */
    public boolean rename(String from, String to) {
        return db.transaction(c -> {
            if (Rows.id(c, "instances", to) != null) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET name = ? WHERE name = ?")) {
                ps.setString(1, to);
                ps.setString(2, from);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public boolean delete(String name) {
        return db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM instances WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static long require(Connection c, String name) throws SQLException {
        Long id = Rows.id(c, "instances", name);
        if (id == null) {
            throw new SQLException("instance not found: " + name);
        }
        return id;
    }

    private static List<String> profiles(Connection c, long id) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT p.name FROM instances_profiles ip JOIN profiles p ON p.id = ip.profile_id "
                + "WHERE ip.instance_id = ? ORDER BY ip.apply_order")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
