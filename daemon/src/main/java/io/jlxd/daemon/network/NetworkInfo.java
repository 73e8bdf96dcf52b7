package io.jlxd.daemon.network;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.Json;
import io.jlxd.api.instance.InstanceState;
import io.jlxd.api.network.NetworkLease;
import io.jlxd.api.network.NetworkState;
import io.jlxd.network.Cmd;
import io.jlxd.network.DhcpHosts;
import io.jlxd.network.Leases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The read-only views of a network: its DHCP leases (reservations and dnsmasq's lease file) and its interface state. */
public final class NetworkInfo {
    private NetworkInfo() {
    }

    /** Static reservations first, then dnsmasq's dynamic leases that no reservation already lists. */
    public static List<NetworkLease> leases(List<DhcpHosts.Host> hosts, Path leaseFile) throws IOException {
        List<NetworkLease> out = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        Map<String, String> macByName = new HashMap<>();
        for (DhcpHosts.Host h : hosts) {
            macByName.put(h.name(), h.mac().toLowerCase());
            for (String a : new String[] {h.ipv4(), h.ipv6()}) {
                if (!a.isEmpty()) {
                    out.add(new NetworkLease(h.name(), h.mac().toLowerCase(), a, "static", "none", "default"));
                    listed.add(a);
                }
            }
        }
        String text = Files.exists(leaseFile) ? Files.readString(leaseFile) : "";
        for (Leases.Lease l : Leases.parse(text)) {
            if (listed.contains(l.address())) {
                continue;
            }
            String mac = l.hwaddr().isEmpty() ? macByName.getOrDefault(l.hostname(), "") : l.hwaddr();
            out.add(new NetworkLease(l.hostname(), mac, l.address(), "dynamic", "none", "default"));
        }
        return out;
    }

    /** The interface's state from {@code ip -json -stats addr show dev NAME}; empty when it does not exist. */
    public static Optional<NetworkState> state(String name) {
        try {
            return parse(Json.lenient().readTree(Cmd.run("ip", "-json", "-stats", "addr", "show", "dev", name)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<NetworkState> parse(JsonNode links) {
        for (JsonNode l : links) {
            List<InstanceState.Address> addrs = new ArrayList<>();
            for (JsonNode a : l.path("addr_info")) {
                String fam = a.path("family").asText("");
                if (!fam.equals("inet") && !fam.equals("inet6")) {
                    continue;
                }
                String scope = a.path("scope").asText("");
                addrs.add(new InstanceState.Address(fam, a.path("local").asText(""), Integer.toString(a.path("prefixlen").asInt()),
                        scope.equals("host") ? "local" : scope));
            }
            JsonNode rx = l.path("stats64").path("rx");
            JsonNode tx = l.path("stats64").path("tx");
            boolean up = false;
            for (JsonNode f : l.path("flags")) {
                up |= f.asText().equals("UP");
            }
            String linkType = l.path("link_type").asText("");
            return Optional.of(new NetworkState(addrs, new InstanceState.Counters(rx.path("bytes").asLong(), tx.path("bytes").asLong(),
                    rx.path("packets").asLong(), tx.path("packets").asLong()), l.path("address").asText(""), l.path("mtu").asInt(),
                    up ? "up" : "down", linkType.equals("loopback") ? "loopback" : "broadcast"));
        }
        return Optional.empty();
    }
}
