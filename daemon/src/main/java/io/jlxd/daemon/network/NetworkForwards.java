package io.jlxd.daemon.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.jlxd.api.Json;
import io.jlxd.api.config.ConfigException;
import io.jlxd.api.config.NetworkConfigKeys;
import io.jlxd.api.network.NetworkForward;
import io.jlxd.api.network.NetworkForwardPort;
import io.jlxd.daemon.db.NetworkForwardTable;
import io.jlxd.daemon.db.NetworkTable;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.network.Cidr;
import io.jlxd.network.NftRules;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Network forwards ({@code /1.0/networks/{name}/forwards}): a listen address whose ports (or all traffic, with the
 * {@code target_address} config key) are DNATed to addresses inside the network, as rules in the network's nftables
 * table. Validation is pure; a change that nft refuses is undone in the table and the rows.
 */
public final class NetworkForwards {
    private static final TypeReference<List<NetworkForwardPort>> PORTS = new TypeReference<>() {
    };
    private final ManagedNetworks networks;

    public NetworkForwards(ManagedNetworks networks) {
        this.networks = networks;
    }

    private NetworkTable.Row network(String name) {
        return networks.table().get(name).orElseThrow(() -> ApiException.notFound("Network not found"));
    }

    public List<NetworkForward> list(String network) {
        network(network);
        return networks.forwards().list(network).stream().map(NetworkForwards::view).toList();
    }

    public NetworkForward get(String network, String listen) {
        network(network);
        return view(row(network, listen));
    }

    private NetworkForwardTable.Row row(String network, String listen) {
        return networks.forwards().get(network, canonical(listen)).orElseThrow(() -> ApiException.notFound("Network forward not found"));
    }

    public static NetworkForward view(NetworkForwardTable.Row r) {
        return new NetworkForward(r.listenAddress(), r.description(), r.config(), ports(r.portsJson()), "none");
    }

    /** Creates ({@code mustBeNew}) or replaces a forward. */
    public void put(String network, String listenAddress, String description, Map<String, String> config,
                    List<NetworkForwardPort> ports, boolean mustBeNew) throws IOException {
        synchronized (networks) {
            NetworkTable.Row net = network(network);
            if (listenAddress == null || listenAddress.isEmpty()) {
                throw new ConfigException("The listen address is missing");
            }
            String listen = canonical(listenAddress);
            Map<String, String> cfg = new TreeMap<>(config == null ? Map.of() : config);
            cfg.values().removeIf(String::isEmpty);
            NetworkForwardTable.Row r = new NetworkForwardTable.Row(network, listen, description == null ? "" : description, cfg,
                    json(ports == null ? List.of() : ports));
            Map<String, String> others = new TreeMap<>();
            for (String n : networks.table().names()) {
                networks.table().get(n).ifPresent(o -> {
                    NetworkConfig.ipv4(o.config()).ifPresent(c -> others.put(c.addressText(), n));
                    NetworkConfig.ipv6(o.config()).ifPresent(c -> others.put(c.addressText(), n));
                });
                if (!n.equals(network)) {
                    networks.forwards().list(n).forEach(f -> others.put(f.listenAddress(), "a forward of network " + n));
                }
            }
            validate(r, net.config(), others);
            var before = networks.forwards().get(network, listen);
            if (before.isPresent() && mustBeNew) {
                throw ApiException.conflict("A forward for that listen address already exists");
            }
            networks.forwards().put(r, false);
            try {
                networks.applyRules(network);
            } catch (IOException | RuntimeException e) {
                if (before.isPresent()) {
                    networks.forwards().put(before.get(), false);
                } else {
                    networks.forwards().delete(network, listen);
                }
                networks.applyRules(network);
                throw new IOException("Failed to apply the forward (undone): " + e.getMessage(), e);
            }
        }
    }

    public void delete(String network, String listen) throws IOException {
        synchronized (networks) {
            network(network);
            NetworkForwardTable.Row r = row(network, listen);
            networks.forwards().delete(network, r.listenAddress());
            try {
                networks.applyRules(network);
            } catch (IOException | RuntimeException e) {
                networks.forwards().put(r, false);
                throw new IOException("Failed to remove the forward (kept): " + e.getMessage(), e);
            }
        }
    }

    /** A listen address in canonical text; 400 when it is not a literal address. */
    static String canonical(String listen) {
        try {
            return Cidr.text(Cidr.literal(listen));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid listen address: " + e.getMessage());
        }
    }

    /**
     * Checks a forward against its network's config: a literal listen address that no network gateway or other
     * network's forward uses, port rules with tcp/udp, valid ports without duplicates, and targets inside the network.
     */
    static void validate(NetworkForwardTable.Row r, Map<String, String> netConfig, Map<String, String> taken) {
        NetworkConfigKeys.FORWARD.validate(r.config());
        InetAddress listen = Cidr.literal(r.listenAddress());
        String owner = taken.get(r.listenAddress());
        if (owner != null) {
            throw new ConfigException("Listen address " + r.listenAddress() + " is already used by " + owner);
        }
        if (listen.isAnyLocalAddress() || listen.isMulticastAddress() || listen.isLoopbackAddress()) {
            throw new ConfigException("Invalid listen address " + r.listenAddress() + ": a unicast, non-loopback address is needed");
        }
        boolean v6 = r.listenAddress().contains(":");
        Cidr subnet = (v6 ? NetworkConfig.ipv6(netConfig) : NetworkConfig.ipv4(netConfig)).orElseThrow(
                () -> new ConfigException("The network has no IPv" + (v6 ? "6" : "4") + " subnet for forwards from "
                        + r.listenAddress()));
        String dflt = r.config().getOrDefault("target_address", "");
        if (!dflt.isEmpty()) {
            target(dflt, subnet);
        }
        Set<String> seen = new HashSet<>();
        for (NetworkForwardPort p : ports(r.portsJson())) {
            String proto = p.protocol() == null ? "" : p.protocol();
            if (!proto.equals("tcp") && !proto.equals("udp")) {
                throw new ConfigException("Invalid port protocol \"" + proto + "\" (tcp or udp)");
            }
            List<Integer> listenPorts;
            List<Integer> targetPorts;
            try {
                listenPorts = NftRules.ports(p.listenPort());
                targetPorts = NftRules.ports(p.targetPort());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("Invalid port: " + e.getMessage());
            }
            if (listenPorts.isEmpty()) {
                throw new ConfigException("A port rule needs a listen_port");
            }
            if (!targetPorts.isEmpty() && targetPorts.size() != 1 && targetPorts.size() != listenPorts.size()) {
                throw new ConfigException("target_port must be one port or as many ports as listen_port");
            }
            if (p.targetAddress() == null || p.targetAddress().isEmpty()) {
                throw new ConfigException("A port rule needs a target_address");
            }
            target(p.targetAddress(), subnet);
            for (int port : listenPorts) {
                if (!seen.add(proto + "/" + port)) {
                    throw new ConfigException("Duplicate listen port " + proto + "/" + port);
                }
            }
        }
    }

    private static void target(String address, Cidr subnet) {
        InetAddress t;
        try {
            t = Cidr.literal(address);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid target address: " + e.getMessage());
        }
        if (!subnet.contains(t)) {
            throw new ConfigException("Target address " + address + " is not inside the network's subnet " + subnet.subnet());
        }
    }

    /** The nftables form of a stored forward. */
    static NftRules.Forward rule(NetworkForwardTable.Row r) {
        List<NftRules.PortRule> rules = new ArrayList<>();
        for (NetworkForwardPort p : ports(r.portsJson())) {
            List<Integer> listen = NftRules.ports(p.listenPort());
            List<Integer> target = NftRules.ports(p.targetPort());
            rules.add(new NftRules.PortRule(p.protocol(), listen, Cidr.text(Cidr.literal(p.targetAddress())),
                    target.isEmpty() ? listen : target));
        }
        String dflt = r.config().getOrDefault("target_address", "");
        return new NftRules.Forward(r.listenAddress(), rules, dflt.isEmpty() ? "" : Cidr.text(Cidr.literal(dflt)));
    }

    private static String nz(String s) {
        return s == null ? "" : s.strip();
    }

    static List<NetworkForwardPort> ports(String json) {
        try {
            return Json.lenient().readValue(json, PORTS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored forward ports are not JSON: " + e.getMessage(), e);
        }
    }

    static String json(List<NetworkForwardPort> ports) {
        List<NetworkForwardPort> clean = new ArrayList<>();
        for (NetworkForwardPort p : ports) {
            if (p == null) {
                throw new ConfigException("A port rule is null");
            }
            clean.add(new NetworkForwardPort(nz(p.description()), nz(p.protocol()), nz(p.listenPort()), nz(p.targetPort()),
                    nz(p.targetAddress())));
        }
        try {
            return Json.lenient().writeValueAsString(clean);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
