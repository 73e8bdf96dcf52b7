package io.jlxd.daemon.db;

import io.jlxd.api.image.Image;
import io.jlxd.api.image.ImageAliasesEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The images, image_properties and image_aliases tables (migration V3). */
public final class ImageTable {
    private static final String COLUMNS = "id, fingerprint, filename, size, architecture, type, public, auto_update, cached,"
            + " created_at, uploaded_at, last_used_at, expires_at";
    private final Database db;

    public ImageTable(Database db) {
        this.db = db;
    }

    public List<Image> list() {
        return db.query(c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM images ORDER BY fingerprint");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            List<Image> out = new ArrayList<>();
            for (long id : ids) {
                load(c, "id = ?", id).ifPresent(out::add);
            }
            return out;
        });
    }

    public List<String> fingerprints() {
        return db.query(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint FROM images ORDER BY fingerprint");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    public Optional<Image> find(String fingerprint) {
        return db.query(c -> load(c, "fingerprint = ?", fingerprint));
    }

    /** Inserts an image of default's with its properties and aliases; false when the fingerprint exists. */
    public boolean insert(Image img, List<ImageAliasesEntry> aliases) {
        return insert(img, aliases, "default");
    }

    /**
     * Inserts an image of {@code project} with its properties and aliases (names as stored), in one transaction;
     * false when the fingerprint exists.
     */
    public boolean insert(Image img, List<ImageAliasesEntry> aliases, String project) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO images(fingerprint, filename, size,"
                    + " architecture, type, public, auto_update, cached, created_at, uploaded_at, last_used_at, expires_at)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, img.fingerprint());
                ps.setString(2, img.filename());
                ps.setLong(3, img.size());
                ps.setString(4, img.architecture());
                ps.setString(5, img.type());
                ps.setInt(6, img.isPublic() ? 1 : 0);
                ps.setInt(7, img.autoUpdate() ? 1 : 0);
                ps.setInt(8, img.cached() ? 1 : 0);
                ps.setString(9, text(img.createdAt()));
                ps.setString(10, text(img.uploadedAt()));
                ps.setString(11, text(img.lastUsedAt()));
                ps.setString(12, text(img.expiresAt()));
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            long id = idOf(c, img.fingerprint());
            addProject(c, id, project);
            writeProperties(c, id, img.properties());
            for (ImageAliasesEntry a : aliases) {
                if (!insertAlias(c, a.name(), id, a.description())) {
                    throw new SQLException("Alias \"" + a.name() + "\" already exists");
                }
            }
            return true;
        });
    }

    /** Replaces the writable fields; false when the image is gone. */
    public boolean update(String fingerprint, boolean isPublic, boolean autoUpdate, Map<String, String> properties,
                          OffsetDateTime expiresAt) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE images SET public = ?, auto_update = ?, expires_at = ? WHERE fingerprint = ?")) {
                ps.setInt(1, isPublic ? 1 : 0);
                ps.setInt(2, autoUpdate ? 1 : 0);
                ps.setString(3, text(expiresAt));
                ps.setString(4, fingerprint);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            long id = idOf(c, fingerprint);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM image_properties WHERE image_id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            writeProperties(c, id, properties);
            return true;
        });
    }

    public void touch(String fingerprint, OffsetDateTime when) {
        db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE images SET last_used_at = ? WHERE fingerprint = ?")) {
                ps.setString(1, text(when));
                ps.setString(2, fingerprint);
                return ps.executeUpdate();
            }
        });
    }

    /** Deletes an image row (aliases and properties cascade); false when there was none. */
    public boolean delete(String fingerprint) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM images WHERE fingerprint = ?")) {
                ps.setString(1, fingerprint);
                return ps.executeUpdate() == 1;
            }
        });
    }

    // ------------------------------------------------------------------------------------------ projects

    private static boolean addProject(Connection c, long id, String project) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO images_projects(image_id, project) VALUES (?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, project);
            return ps.executeUpdate() == 1;
        }
    }

    /** The projects holding the image (empty when it is gone). */
    public List<String> projects(String fingerprint) {
        return db.query(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT p.project FROM images_projects p JOIN images i ON i.id = p.image_id"
                    + " WHERE i.fingerprint = ? ORDER BY p.project")) {
                ps.setString(1, fingerprint);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** The fingerprints of a project's images. */
    public List<String> fingerprints(String project) {
        return db.query(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT i.fingerprint FROM images i JOIN images_projects p ON p.image_id = i.id"
                    + " WHERE p.project = ? ORDER BY i.fingerprint")) {
                ps.setString(1, project);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Adds an existing image to a project with aliases (names as stored), in one transaction; false when the image
     * is gone or already in the project; throws when an alias is taken.
     */
    public boolean addToProject(String fingerprint, String project, List<ImageAliasesEntry> aliases) {
        return db.transaction(c -> {
            Long id = findId(c, fingerprint);
            if (id == null || !addProject(c, id, project)) {
                return false;
            }
            for (ImageAliasesEntry a : aliases) {
                if (!insertAlias(c, a.name(), id, a.description())) {
                    throw new SQLException("Alias \"" + a.name() + "\" already exists");
                }
            }
            return true;
        });
    }

    /**
     * Takes an image out of a project with the aliases of that project pointing at it ({@code aliasesOfProject}:
     * names as stored); returns how many projects still hold it (the row stays; 0: the caller deletes it).
     */
    public int removeFromProject(String fingerprint, String project, List<String> aliasesOfProject) {
        return db.transaction(c -> {
            Long id = findId(c, fingerprint);
            if (id == null) {
                return 0;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM images_projects WHERE image_id = ? AND project = ?")) {
                ps.setLong(1, id);
                ps.setString(2, project);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM image_aliases WHERE image_id = ? AND name = ?")) {
                for (String a : aliasesOfProject) {
                    ps.setLong(1, id);
                    ps.setString(2, a);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM images_projects WHERE image_id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** A project's rename carries its images. */
    public void renameProject(String from, String to) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE images_projects SET project = ? WHERE project = ?")) {
                ps.setString(1, to);
                ps.setString(2, from);
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ------------------------------------------------------------------------------------------ aliases

    public List<ImageAliasesEntry> aliases() {
        return db.query(c -> {
            List<ImageAliasesEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT a.name, a.description, i.fingerprint, i.type"
                    + " FROM image_aliases a JOIN images i ON i.id = a.image_id ORDER BY a.name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ImageAliasesEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return out;
        });
    }

    public Optional<ImageAliasesEntry> alias(String name) {
        return aliases().stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** Creates an alias; false when the name is taken or the image is gone. */
    public boolean createAlias(String name, String fingerprint, String description) {
        return db.transaction(c -> {
            Long id = findId(c, fingerprint);
            return id != null && insertAlias(c, name, id, description);
        });
    }

    /** Points an alias at another image and sets its description; false when either is gone. */
    public boolean updateAlias(String name, String fingerprint, String description) {
        return db.transaction(c -> {
            Long id = findId(c, fingerprint);
            if (id == null) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE image_aliases SET image_id = ?, description = ? WHERE name = ?")) {
                ps.setLong(1, id);
                ps.setString(2, description);
                ps.setString(3, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Renames an alias; false when the new name is taken or the old one is gone. */
    public boolean renameAlias(String name, String newName) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE OR IGNORE image_aliases SET name = ? WHERE name = ?")) {
                ps.setString(1, newName);
                ps.setString(2, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public boolean deleteAlias(String name) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM image_aliases WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static boolean insertAlias(Connection c, String name, long imageId, String description) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT OR IGNORE INTO image_aliases(name, image_id, description) VALUES (?,?,?)")) {
            ps.setString(1, name);
            ps.setLong(2, imageId);
            ps.setString(3, description == null ? "" : description);
            return ps.executeUpdate() == 1;
        }
    }

    private static void writeProperties(Connection c, long id, Map<String, String> properties) throws SQLException {
        if (properties == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_properties(image_id, key, value) VALUES (?,?,?)")) {
            for (Map.Entry<String, String> e : properties.entrySet()) {
                ps.setLong(1, id);
                ps.setString(2, e.getKey());
                ps.setString(3, e.getValue() == null ? "" : e.getValue());
                ps.executeUpdate();
            }
        }
    }

    private static long idOf(Connection c, String fingerprint) throws SQLException {
        Long id = findId(c, fingerprint);
        if (id == null) {
            throw new SQLException("image " + fingerprint + " vanished");
        }
        return id;
    }

    private static Long findId(Connection c, String fingerprint) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM images WHERE fingerprint = ?")) {
            ps.setString(1, fingerprint);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static Optional<Image> load(Connection c, String where, Object arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM images WHERE " + where)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long id = rs.getLong(1);
                Map<String, String> props = new LinkedHashMap<>();
                try (PreparedStatement pp = c.prepareStatement(
                        "SELECT key, value FROM image_properties WHERE image_id = ? ORDER BY key")) {
                    pp.setLong(1, id);
                    try (ResultSet pr = pp.executeQuery()) {
                        while (pr.next()) {
                            props.put(pr.getString(1), pr.getString(2));
                        }
                    }
                }
                List<Image.ImageAlias> aliases = new ArrayList<>();
                try (PreparedStatement pa = c.prepareStatement(
                        "SELECT name, description FROM image_aliases WHERE image_id = ? ORDER BY name")) {
                    pa.setLong(1, id);
                    try (ResultSet ar = pa.executeQuery()) {
                        while (ar.next()) {
                            aliases.add(new Image.ImageAlias(ar.getString(1), ar.getString(2)));
                        }
                    }
                }
                return Optional.of(new Image(rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getString(6), rs.getInt(7) != 0, rs.getInt(8) != 0, rs.getInt(9) != 0, props, aliases,
                        time(rs.getString(10)), time(rs.getString(11)), time(rs.getString(12)), time(rs.getString(13)),
                        List.of()));
            }
        }
    }

    private static String text(OffsetDateTime t) {
        return t == null ? null : t.toString();
    }

    private static OffsetDateTime time(String s) {
        return s == null ? null : OffsetDateTime.parse(s);
    }
}
