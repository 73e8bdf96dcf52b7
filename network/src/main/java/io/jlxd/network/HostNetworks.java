package io.jlxd.network;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the host's own routing tables and interfaces say, read with {@code ip -json} and from /sys/class/net. */
public final class HostNetworks {
    private static final Path SYS = Path.of("/sys/class/net");

    private HostNetworks() {
    }

    /** Every subnet on the host: addresses with their prefixes and routes, IPv4 and IPv6 (default routes left out). */
    public static List<Cidr> usedSubnets() throws IOException {
        List<Cidr> out = new ArrayList<>();
        out.addAll(parseAddresses(Json.lenient().readTree(Cmd.run("ip", "-json", "addr", "show"))));
        out.addAll(parseRoutes(Json.lenient().readTree(Cmd.run("ip", "-json", "-4", "route", "show", "table", "all"))));
        out.addAll(parseRoutes(Json.lenient().readTree(Cmd.run("ip", "-json", "-6", "route", "show", "table", "all"))));
        return out;
    }

    static List<Cidr> parseAddresses(JsonNode links) {
        List<Cidr> out = new ArrayList<>();
        for (JsonNode l : links) {
            for (JsonNode a : l.path("addr_info")) {
                String local = a.path("local").asText("");
                if (local.isEmpty()) {
                    continue;
                }
                try {
                    out.add(Cidr.parse(local + "/" + a.path("prefixlen").asInt())); // fe80:: included: harmless
                } catch (IllegalArgumentException e) {
                    // an address family we do not handle
                }
            }
        }
        return out;
    }

    static List<Cidr> parseRoutes(JsonNode routes) {
        List<Cidr> out = new ArrayList<>();
        for (JsonNode r : routes) {
            String dst = r.path("dst").asText("");
            if (dst.isEmpty() || dst.equals("default")) {
                continue;
            }
            if (!dst.contains("/")) {
                dst = dst + (dst.contains(":") ? "/128" : "/32");
            }
            try {
                out.add(Cidr.parse(dst));
            } catch (IllegalArgumentException e) {
                // multicast or other special destinations
            }
        }
        return out;
    }

    /** Whether a network interface of that name exists on the host. */
    public static boolean exists(String name) {
        return Files.exists(SYS.resolve(name));
    }

    /** The host's interfaces, sorted by name. */
    public static List<String> interfaces() throws IOException {
        try (var s = Files.list(SYS)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** LXD's type of an unmanaged interface: loopback, bridge, bond, vlan, physical or unknown. */
    public static String type(String name) {
        Path d = SYS.resolve(name);
        try {
            if (Files.readString(d.resolve("type")).strip().equals("772")) {
                return "loopback";
            }
        } catch (IOException e) {
            return "unknown";
        }
        if (Files.isDirectory(d.resolve("bridge"))) {
            return "bridge";
        }
        if (Files.isDirectory(d.resolve("bonding"))) {
            return "bond";
        }
        if (Files.exists(Path.of("/proc/net/vlan").resolve(name))) {
            return "vlan";
        }
        if (Files.exists(d.resolve("device"))) {
            return "physical";
        }
        return "unknown";
    }
}
