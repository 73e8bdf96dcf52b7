package io.jlxd.daemon.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Open trust tokens: what the token grants and the SHA-256 of its secret (never the secret itself). */
public final class TrustTokenTable {
    private final Database db;

    /** One open token. */
    public record Row(String id, String name, String type, boolean restricted, List<String> projects, String description,
                      String secretSha256, OffsetDateTime createdAt, OffsetDateTime expiresAt) {
    }

    public TrustTokenTable(Database db) {
        this.db = db;
    }

    public List<Row> list() {
        return db.query(c -> {
            List<Row> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name, type, restricted, projects, description, secret_sha256,"
                    + " created_at, expires_at FROM certificate_tokens ORDER BY created_at");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String exp = rs.getString(9);
                    out.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4) != 0,
                            CertificateTable.projects(rs.getString(5)), rs.getString(6), rs.getString(7),
                            OffsetDateTime.parse(rs.getString(8)), exp == null ? null : OffsetDateTime.parse(exp)));
                }
            }
            return out;
        });
    }

    public void insert(Row row) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO certificate_tokens(id, name, type, restricted, projects,"
                    + " description, secret_sha256, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, row.id());
                ps.setString(2, row.name());
                ps.setString(3, row.type());
                ps.setInt(4, row.restricted() ? 1 : 0);
                ps.setString(5, CertificateTable.projectsJson(row.projects()));
                ps.setString(6, row.description() == null ? "" : row.description());
                ps.setString(7, row.secretSha256());
                ps.setString(8, row.createdAt().toString());
                ps.setString(9, row.expiresAt() == null ? null : row.expiresAt().toString());
                return ps.executeUpdate();
            }
        });
    }

    /** Removes a token; true when this call removed it (a token is used once: the caller that removes it wins). */
    public boolean delete(String id) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM certificate_tokens WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() == 1;
            }
        });
    }
}
