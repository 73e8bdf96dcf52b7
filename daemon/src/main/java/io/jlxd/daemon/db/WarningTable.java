package io.jlxd.daemon.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The warnings table (migration V5_1): one row per (type, project, entity), counted up on repeats. */
public final class WarningTable {
    private static final String COLUMNS = "uuid, project, entity_url, type, severity, status, count, first_seen_at, last_seen_at, last_message";
    private final Database db;

    /** A stored warning. */
    public record Row(String uuid, String project, String entityUrl, String type, String severity, String status, int count,
                      OffsetDateTime firstSeenAt, OffsetDateTime lastSeenAt, String lastMessage) {
    }

    public WarningTable(Database db) {
        this.db = db;
    }

    /**
     * Records one occurrence: a new row, or the existing one of (type, project, entity) counted up with the new
     * message and time (a resolved warning that happens again is new again). Returns the row.
     */
    public Row record(String type, String project, String entityUrl, String severity, String message, OffsetDateTime now) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE warnings SET count = count + 1, last_seen_at = ?, last_message = ?,"
                    + " severity = ?, status = CASE status WHEN 'resolved' THEN 'new' ELSE status END"
                    + " WHERE type = ? AND project = ? AND entity_url = ?")) {
                ps.setString(1, now.toString());
                ps.setString(2, message);
                ps.setString(3, severity);
                ps.setString(4, type);
                ps.setString(5, project);
                ps.setString(6, entityUrl);
                if (ps.executeUpdate() == 0) {
                    try (PreparedStatement ins = c.prepareStatement("INSERT INTO warnings(" + COLUMNS + ") VALUES (?,?,?,?,?,'new',1,?,?,?)")) {
                        ins.setString(1, UUID.randomUUID().toString());
                        ins.setString(2, project);
                        ins.setString(3, entityUrl);
                        ins.setString(4, type);
                        ins.setString(5, severity);
                        ins.setString(6, now.toString());
                        ins.setString(7, now.toString());
                        ins.setString(8, message);
                        ins.executeUpdate();
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM warnings WHERE type = ? AND project = ? AND entity_url = ?")) {
                ps.setString(1, type);
                ps.setString(2, project);
                ps.setString(3, entityUrl);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return row(rs);
                }
            }
        });
    }

    public List<Row> list() {
        return db.query(c -> {
            List<Row> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM warnings ORDER BY first_seen_at, uuid");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        });
    }

    public Optional<Row> get(String uuid) {
        return db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM warnings WHERE uuid = ?")) {
                ps.setString(1, uuid);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Sets the status; false when there is no such warning. */
    public boolean setStatus(String uuid, String status) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE warnings SET status = ? WHERE uuid = ?")) {
                ps.setString(1, status);
                ps.setString(2, uuid);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public boolean delete(String uuid) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM warnings WHERE uuid = ?")) {
                ps.setString(1, uuid);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getInt(7), OffsetDateTime.parse(rs.getString(8)), OffsetDateTime.parse(rs.getString(9)), rs.getString(10));
    }
}
