package io.jlxd.daemon.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/** Key/value and device rows shared by the profile and instance tables ({@code <owner>_config}, {@code <owner>_devices}). */
final class Rows {
    private Rows() {
    }

    static Map<String, String> readConfig(Connection c, String table, String ownerColumn, long owner) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT key, value FROM " + table + " WHERE " + ownerColumn + " = ?")) {
            ps.setLong(1, owner);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    static void writeConfig(Connection c, String table, String ownerColumn, long owner, Map<String, String> config) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE " + ownerColumn + " = ?")) {
            del.setLong(1, owner);
            del.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + "(" + ownerColumn + ", key, value) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> e : config.entrySet()) {
                ps.setLong(1, owner);
                ps.setString(2, e.getKey());
                ps.setString(3, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static Map<String, Map<String, String>> readDevices(Connection c, String table, String ownerColumn, long owner) throws SQLException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT device, key, value FROM " + table + " WHERE " + ownerColumn + " = ?")) {
            ps.setLong(1, owner);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
        }
        return out;
    }

    static void writeDevices(Connection c, String table, String ownerColumn, long owner, Map<String, Map<String, String>> devices)
            throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE " + ownerColumn + " = ?")) {
            del.setLong(1, owner);
            del.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + "(" + ownerColumn + ", device, key, value) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<String, Map<String, String>> d : devices.entrySet()) {
                for (Map.Entry<String, String> e : d.getValue().entrySet()) {
                    ps.setLong(1, owner);
                    ps.setString(2, d.getKey());
                    ps.setString(3, e.getKey());
                    ps.setString(4, e.getValue());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    static Long id(Connection c, String table, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }
}
