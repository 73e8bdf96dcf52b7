package io.jlxd.daemon.db;

import io.jlxd.api.Certificate;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The trusted certificates table. */
public final class CertificateTable {
    private static final String COLUMNS = "name, type, restricted, certificate, fingerprint, description";
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
                    "INSERT OR IGNORE INTO certificates(name, type, restricted, certificate, fingerprint, description) VALUES (?,?,?,?,?,?)")) {
                ps.setString(1, cert.name());
                ps.setString(2, cert.type());
                ps.setInt(3, cert.restricted() ? 1 : 0);
                ps.setString(4, cert.certificate());
                ps.setString(5, cert.fingerprint());
                ps.setString(6, cert.description() == null ? "" : cert.description());
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

    private static Certificate row(ResultSet rs) throws java.sql.SQLException {
        return new Certificate(rs.getString(1), rs.getString(2), rs.getInt(3) != 0, List.of(), rs.getString(4),
                rs.getString(5), rs.getString(6));
    }
}
