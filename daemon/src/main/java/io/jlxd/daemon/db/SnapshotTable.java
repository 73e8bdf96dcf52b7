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

/** Instance snapshots and the scheduler's last fired slot per instance. */
public final class SnapshotTable {
    private static final String COLUMNS = "s.id, s.name, s.creation_date, s.expires_at, s.stateful, s.scheduled, s.architecture, "
            + "s.ephemeral, s.description";
    /** Fixed-width UTC timestamps, so that SQL orders creation dates correctly. */
    private static final java.time.format.DateTimeFormatter SORTABLE =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(java.time.ZoneOffset.UTC);
    private final Database db;

    public SnapshotTable(Database db) {
        this.db = db;
    }

    /** One snapshot: {@code config} holds the user and volatile keys of its moment. {@code expiresAt} may be null. */
    public record Row(String instance, String name, OffsetDateTime createdAt, OffsetDateTime expiresAt, boolean stateful,
                      boolean scheduled, String architecture, boolean ephemeral, String description, Map<String, String> config,
                      Map<String, Map<String, String>> devices, List<String> profiles) {
    }

    /** The instance's snapshots, oldest first. */
    public List<Row> list(String instance) {
        return db.query(c -> select(c, instance, null));
    }

    public Optional<Row> get(String instance, String name) {
        return db.query(c -> select(c, instance, name).stream().findFirst());
    }

    /** Every snapshot of every instance (for the scheduler's pruning). */
    public List<Row> all() {
        return db.query(c -> {
            List<Row> out = new ArrayList<>();
            for (String i : instanceNames(c)) {
                out.addAll(select(c, i, null));
            }
            return out;
        });
    }

    /**
     * Inserts a snapshot; false when the name is taken. When {@code slot} is not null the instance's last fired slot is
     * set in the same transaction.
     */
    public boolean create(Row r, OffsetDateTime slot) {
        return db.transaction(c -> {
            long iid = instanceId(c, r.instance());
            if (snapshotId(c, iid, r.name()) != null) {
                return false;
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO instances_snapshots(instance_id, name, creation_date, "
                    + "expires_at, stateful, scheduled, architecture, ephemeral, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, iid);
                ps.setString(2, r.name());
                ps.setString(3, SORTABLE.format(r.createdAt()));
                ps.setString(4, r.expiresAt() == null ? null : r.expiresAt().toString());
                ps.setInt(5, r.stateful() ? 1 : 0);
                ps.setInt(6, r.scheduled() ? 1 : 0);
                ps.setString(7, r.architecture());
                ps.setInt(8, r.ephemeral() ? 1 : 0);
                ps.setString(9, r.description());
                ps.executeUpdate();
                try (ResultSet k = ps.getGeneratedKeys()) {
                    k.next();
                    id = k.getLong(1);
                }
            }
            Rows.writeConfig(c, "instances_snapshots_config", "snapshot_id", id, r.config());
            Rows.writeDevices(c, "instances_snapshots_devices", "snapshot_id", id, r.devices());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO instances_snapshots_profiles(snapshot_id, profile, apply_order) VALUES (?, ?, ?)")) {
                int order = 0;
                for (String p : r.profiles()) {
                    ps.setLong(1, id);
                    ps.setString(2, p);
                    ps.setInt(3, order++);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            if (slot != null) {
                setSlot(c, iid, slot);
            }
            return true;
        });
    }

    public boolean delete(String instance, String name) {
        return db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM instances_snapshots WHERE name = ? AND instance_id = "
                    + "(SELECT id FROM instances WHERE name = ?)")) {
                ps.setString(1, name);
                ps.setString(2, instance);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Renames; false when the new name is taken or the snapshot is gone. */
    public boolean rename(String instance, String from, String to) {
        return db.transaction(c -> {
            long iid = instanceId(c, instance);
            if (snapshotId(c, iid, to) != null) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE instances_snapshots SET name = ? WHERE instance_id = ? AND name = ?")) {
                ps.setString(1, to);
                ps.setLong(2, iid);
                ps.setString(3, from);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public void setExpiry(String instance, String name, OffsetDateTime expiresAt) {
        db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE instances_snapshots SET expires_at = ? WHERE name = ? AND instance_id = "
                    + "(SELECT id FROM instances WHERE name = ?)")) {
                ps.setString(1, expiresAt == null ? null : expiresAt.toString());
                ps.setString(2, name);
                ps.setString(3, instance);
                return ps.executeUpdate();
            }
        });
    }

    /** The scheduler's state of an instance: the last slot fired and the schedule it was computed for. */
    public record Schedule(OffsetDateTime lastSlot, String schedule) {
    }

    public Optional<Schedule> schedule(String instance) {
        return db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT last_slot, schedule FROM instances_snapshot_schedule WHERE instance_id = "
                    + "(SELECT id FROM instances WHERE name = ?)")) {
                ps.setString(1, instance);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Schedule(OffsetDateTime.parse(rs.getString(1)), rs.getString(2))) : Optional.empty();
                }
            }
        });
    }

    /** Sets the last slot (a slot skipped or failed counts as fired) and, when not null, the schedule. */
    public void setSchedule(String instance, OffsetDateTime slot, String schedule) {
        db.transaction(c -> {
            long iid = instanceId(c, instance);
            setSlot(c, iid, slot);
            if (schedule != null) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE instances_snapshot_schedule SET schedule = ? WHERE instance_id = ?")) {
                    ps.setString(1, schedule);
                    ps.setLong(2, iid);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    private static void setSlot(Connection c, long iid, OffsetDateTime slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO instances_snapshot_schedule(instance_id, last_slot) VALUES (?, ?) "
                + "ON CONFLICT(instance_id) DO UPDATE SET last_slot = excluded.last_slot")) {
            ps.setLong(1, iid);
            ps.setString(2, slot.toString());
            ps.executeUpdate();
        }
    }

    private static List<String> instanceNames(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM instances ORDER BY name"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static List<Row> select(Connection c, String instance, String name) throws SQLException {
        List<Row> out = new ArrayList<>();
        String sql = "SELECT " + COLUMNS + " FROM instances_snapshots s JOIN instances i ON i.id = s.instance_id WHERE i.name = ?"
                + (name == null ? "" : " AND s.name = ?") + " ORDER BY s.creation_date, s.id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, instance);
            if (name != null) {
                ps.setString(2, name);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    String exp = rs.getString(4);
                    out.add(new Row(instance, rs.getString(2), OffsetDateTime.parse(rs.getString(3)),
                            exp == null ? null : OffsetDateTime.parse(exp), rs.getInt(5) != 0, rs.getInt(6) != 0, rs.getString(7),
                            rs.getInt(8) != 0, rs.getString(9), null, null, null));
                }
            }
        }
        List<Row> full = new ArrayList<>();
        for (Row r : out) {
            long id = snapshotId(c, instanceId(c, instance), r.name());
            full.add(new Row(r.instance(), r.name(), r.createdAt(), r.expiresAt(), r.stateful(), r.scheduled(), r.architecture(),
                    r.ephemeral(), r.description(), Rows.readConfig(c, "instances_snapshots_config", "snapshot_id", id),
                    Rows.readDevices(c, "instances_snapshots_devices", "snapshot_id", id), profiles(c, id)));
        }
        return full;
    }

    private static List<String> profiles(Connection c, long id) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT profile FROM instances_snapshots_profiles WHERE snapshot_id = ? ORDER BY apply_order")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static long instanceId(Connection c, String instance) throws SQLException {
        Long id = Rows.id(c, "instances", instance);
        if (id == null) {
            throw new SQLException("instance not found: " + instance);
        }
        return id;
    }

    private static Long snapshotId(Connection c, long iid, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM instances_snapshots WHERE instance_id = ? AND name = ?")) {
            ps.setLong(1, iid);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    // ------------------------------------------------------------------ restore journal

    /** Records that {@code instance} is being restored from {@code snap} (replacing any earlier record). */
    public void beginRestore(String instance, String snap) {
        db.transaction(c -> {
            long iid = instanceId(c, instance);
            Long sid = snapshotId(c, iid, snap);
            if (sid == null) {
                throw new SQLException("snapshot not found: " + instance + "/" + snap);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO instances_snapshot_restores(instance_id, snapshot_id) VALUES (?, ?) "
                    + "ON CONFLICT(instance_id) DO UPDATE SET snapshot_id = excluded.snapshot_id")) {
                ps.setLong(1, iid);
                ps.setLong(2, sid);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public void endRestore(String instance) {
        db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM instances_snapshot_restores WHERE instance_id = "
                    + "(SELECT id FROM instances WHERE name = ?)")) {
                ps.setString(1, instance);
                return ps.executeUpdate();
            }
        });
    }

    /** Restores that were under way when the daemon stopped: instance name to snapshot name. */
    public Map<String, String> pendingRestores() {
        return db.query(c -> {
            Map<String, String> out = new java.util.TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT i.name, s.name FROM instances_snapshot_restores r "
                    + "JOIN instances i ON i.id = r.instance_id JOIN instances_snapshots s ON s.id = r.snapshot_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }
}
