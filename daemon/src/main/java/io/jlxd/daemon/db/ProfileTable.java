package io.jlxd.daemon.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The profiles tables: profiles, profiles_config, profiles_devices. */
public final class ProfileTable {
    private final Database db;

    public ProfileTable(Database db) {
        this.db = db;
    }

    /** One stored profile. */
    public record Row(String name, String description, Map<String, String> config, Map<String, Map<String, String>> devices) {
    }

    public List<String> names() {
        return db.query(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM profiles ORDER BY name"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    public Optional<Row> get(String name) {
        return db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, description FROM profiles WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long id = rs.getLong(1);
                    return Optional.of(new Row(name, rs.getString(2), Rows.readConfig(c, "profiles_config", "profile_id", id),
                            Rows.readDevices(c, "profiles_devices", "profile_id", id)));
                }
            }
        });
    }

    /** Creates a profile; false when the name is taken. */
    public boolean create(Row p) {
        return db.transaction(c -> {
            if (Rows.id(c, "profiles", p.name()) != null) {
                return false;
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO profiles(name, description) VALUES (?, ?)",
                    java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, p.name());
                ps.setString(2, p.description());
                ps.executeUpdate();
                try (ResultSet k = ps.getGeneratedKeys()) {
                    k.next();
                    id = k.getLong(1);
                }
            }
            Rows.writeConfig(c, "profiles_config", "profile_id", id, p.config());
            Rows.writeDevices(c, "profiles_devices", "profile_id", id, p.devices());
            return true;
        });
    }

    /** Replaces description, config and devices of an existing profile. */
    public void update(Row p) {
        db.transaction(c -> {
            Long id = Rows.id(c, "profiles", p.name());
            if (id == null) {
                throw new IllegalStateException("no profile " + p.name());
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE profiles SET description = ? WHERE id = ?")) {
                ps.setString(1, p.description());
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            Rows.writeConfig(c, "profiles_config", "profile_id", id, p.config());
            Rows.writeDevices(c, "profiles_devices", "profile_id", id, p.devices());
            return null;
        });
    }

    /** Renames; false when the new name is taken. */
    public boolean rename(String from, String to) {
        return db.transaction(c -> {
            if (Rows.id(c, "profiles", to) != null) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE profiles SET name = ? WHERE name = ?")) {
                ps.setString(1, to);
                ps.setString(2, from);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Deletes an unused profile; false when instances still use it. */
    public boolean delete(String name) {
        return db.transaction(c -> {
            if (!usedBy(c, name).isEmpty()) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM profiles WHERE name = ?")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** Names of the instances using the profile. */
    public List<String> usedBy(String name) {
        return db.query(c -> usedBy(c, name));
    }

    private static List<String> usedBy(java.sql.Connection c, String name) throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT i.name FROM instances i JOIN instances_profiles ip ON ip.instance_id = i.id "
                + "JOIN profiles p ON p.id = ip.profile_id WHERE p.name = ? ORDER BY i.name")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
