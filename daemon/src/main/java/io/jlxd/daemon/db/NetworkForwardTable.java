package io.jlxd.daemon.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The networks_forwards and networks_forwards_config tables; port rules are stored as LXD's JSON array. */
public final class NetworkForwardTable {
    private final Database db;

    public NetworkForwardTable(Database db) {
        this.db = db;
    }

    public record Row(String network, String listenAddress, String description, Map<String, String> config, String portsJson) {
    }

    public List<Row> list(String network) {
        return db.query(c -> {
            List<Row> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT f.id, f.listen_address, f.description, f.ports FROM networks_forwards f "
                    + "JOIN networks n ON n.id = f.network_id WHERE n.name = ? ORDER BY f.listen_address")) {
                ps.setString(1, network);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Row(network, rs.getString(2), rs.getString(3),
                                Rows.readConfig(c, "networks_forwards_config", "forward_id", rs.getLong(1)), rs.getString(4)));
                    }
                }
            }
            return out;
        });
    }

    public Optional<Row> get(String network, String listenAddress) {
        return list(network).stream().filter(r -> r.listenAddress().equals(listenAddress)).findFirst();
    }

    /** Inserts or replaces the forward of (network, listen address); {@code mustBeNew}: false when it exists. */
    public boolean put(Row r, boolean mustBeNew) {
        return db.transaction(c -> {
            Long net = Rows.id(c, "networks", r.network());
            Long id = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM networks_forwards WHERE network_id = ? AND listen_address = ?")) {
                ps.setLong(1, net);
                ps.setString(2, r.listenAddress());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        id = rs.getLong(1);
                    }
                }
            }
            if (id != null && mustBeNew) {
                return false;
            }
            if (id == null) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO networks_forwards(network_id, listen_address, description, ports) "
                        + "VALUES (?, ?, ?, ?)", java.sql.Statement.RETURN_GENERATED_KEYS)) {
                    ps.setLong(1, net);
                    ps.setString(2, r.listenAddress());
                    ps.setString(3, r.description());
                    ps.setString(4, r.portsJson());
                    ps.executeUpdate();
                    try (ResultSet k = ps.getGeneratedKeys()) {
                        k.next();
                        id = k.getLong(1);
                    }
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement("UPDATE networks_forwards SET description = ?, ports = ? WHERE id = ?")) {
                    ps.setString(1, r.description());
                    ps.setString(2, r.portsJson());
                    ps.setLong(3, id);
                    ps.executeUpdate();
                }
            }
            Rows.writeConfig(c, "networks_forwards_config", "forward_id", id, r.config());
            return true;
        });
    }

    public void delete(String network, String listenAddress) {
        db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM networks_forwards WHERE listen_address = ? AND network_id = "
                    + "(SELECT id FROM networks WHERE name = ?)")) {
                ps.setString(1, listenAddress);
                ps.setString(2, network);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
