package io.jlxd.daemon.db;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jlxd.api.Certificate;
import io.jlxd.api.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The trusted certificates table. */
public final class CertificateTable {
    private static final String COLUMNS = "name, type, restricted, projects, certificate, fingerprint, description";
    private final Database db;

    public CertificateTable(Database db) {
        this.db = db;
    }

    public List<Certificate> list() {
        return db.query(c -> {
            List<Certificate> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM certificates ORDER BY name, fingerprint");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        });
    }

    public Optional<Certificate> find(String fingerprint) {
        return db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM certificates WHERE fingerprint = ?")) {
                ps.setString(1, fingerprint);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Inserts; returns false when the fingerprint is already trusted. */
    public boolean insert(Certificate cert) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT OR IGNORE INTO certificates(name, type, restricted, projects, certificate, fingerprint, description)"
                            + " VALUES (?,?,?,?,?,?,?)")) {
                bind(ps, cert);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Replaces the row of {@code fingerprint} (the new one may differ: a replaced certificate). */
    public boolean update(String fingerprint, Certificate cert) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE certificates SET name = ?, type = ?, restricted = ?, projects = ?, certificate = ?, fingerprint = ?,"
                            + " description = ? WHERE fingerprint = ?")) {
                bind(ps, cert);
                ps.setString(8, fingerprint);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public boolean delete(String fingerprint) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM certificates WHERE fingerprint = ?")) {
                ps.setString(1, fingerprint);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static void bind(PreparedStatement ps, Certificate cert) throws java.sql.SQLException {
        ps.setString(1, cert.name());
        ps.setString(2, cert.type());
        ps.setInt(3, cert.restricted() ? 1 : 0);
        ps.setString(4, projectsJson(cert.projects()));
        ps.setString(5, cert.certificate());
        ps.setString(6, cert.fingerprint());
        ps.setString(7, cert.description() == null ? "" : cert.description());
    }

    static String projectsJson(List<String> projects) {
        try {
            return Json.lenient().writeValueAsString(projects == null ? List.of() : projects);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> projects(String json) {
        try {
            return List.copyOf(Json.lenient().readValue(json, new TypeReference<List<String>>() { }));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("bad projects column: " + json, e);
        }
    }

    private static Certificate row(ResultSet rs) throws java.sql.SQLException {
        return new Certificate(rs.getString(1), rs.getString(2), rs.getInt(3) != 0, projects(rs.getString(4)),
                rs.getString(5), rs.getString(6), rs.getString(7));
    }
}
