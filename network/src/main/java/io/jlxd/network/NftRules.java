package io.jlxd.network;

import java.util.ArrayList;
import java.util.List;

/**
 * The nftables rules of one managed bridge, in a table of its own ({@code inet jlxd-<bridge>}), as one {@code nft -f}
 * script that replaces the table atomically: masquerade of the subnets when NAT is on, forwarding to and from the
 * bridge, DHCP/DNS from the bridge to the host, and the DNAT rules of the network's forwards. Pure text generation.
 *
 * @param bridge   the bridge
 * @param ipv4     IPv4 address/prefix of the bridge, or null
 * @param nat4     masquerade IPv4 leaving the subnet
 * @param ipv6     IPv6 address/prefix, or null
 * @param nat6     masquerade IPv6 leaving the subnet
 * @param forwards the network forwards
 */
public record NftRules(String bridge, Cidr ipv4, boolean nat4, Cidr ipv6, boolean nat6, List<Forward> forwards) {

    /** One port rule of a forward: protocol, listen ports and target ports (already expanded, equal lengths or one target). */
    public record PortRule(String protocol, List<Integer> listenPorts, String targetAddress, List<Integer> targetPorts) {
    }

    /** A forward: a listen address, its port rules, and the default target of everything else ("" for none). */
    public record Forward(String listenAddress, List<PortRule> ports, String defaultTarget) {
    }

    /** The table of a bridge. */
    public static String table(String bridge) {
        return "jlxd-" + bridge;
    }

    public String tableName() {
        return table(bridge);
    }

    /** The script for {@code nft -f -}. */
    public String render() {
        String t = "inet " + tableName();
        String br = "\"" + bridge + "\"";
        StringBuilder sb = new StringBuilder();
        sb.append("table ").append(t).append('\n');
        sb.append("delete table ").append(t).append('\n');
        sb.append("table ").append(t).append(" {\n");

        List<String> post = new ArrayList<>();
        if (ipv4 != null && nat4) {
            String s = ipv4.subnet().toString();
            post.add("ip saddr " + s + " ip daddr != " + s + " masquerade");
        }
        if (ipv6 != null && nat6) {
            String s = ipv6.subnet().toString();
            post.add("ip6 saddr " + s + " ip6 daddr != " + s + " masquerade");
        }
        List<String> dnat = new ArrayList<>();
        for (Forward f : forwards) {
            boolean v6 = f.listenAddress().contains(":");
            String fam = v6 ? "ip6" : "ip";
            for (PortRule p : f.ports()) {
                for (int i = 0; i < p.listenPorts().size(); i++) {
                    int target = p.targetPorts().size() == 1 ? p.targetPorts().get(0) : p.targetPorts().get(i);
                    dnat.add(fam + " daddr " + f.listenAddress() + " " + p.protocol() + " dport " + p.listenPorts().get(i)
                            + " dnat " + fam + " to " + hostPort(p.targetAddress(), target));
                }
                hairpin(post, fam, p.targetAddress());
            }
            if (!f.defaultTarget().isEmpty()) {
                dnat.add(fam + " daddr " + f.listenAddress() + " dnat " + fam + " to " + f.defaultTarget());
                hairpin(post, fam, f.defaultTarget());
            }
        }
        chain(sb, "postrouting", "type nat hook postrouting priority 100; policy accept;", post);
        chain(sb, "forward", "type filter hook forward priority 0; policy accept;",
                List.of("iifname " + br + " accept", "oifname " + br + " accept"));
        chain(sb, "input", "type filter hook input priority 0; policy accept;",
                List.of("iifname " + br + " udp dport { 53, 67, 547 } accept", "iifname " + br + " tcp dport 53 accept",
                        "iifname " + br + " icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept"));
        chain(sb, "output", "type filter hook output priority 0; policy accept;",
                List.of("oifname " + br + " udp sport { 53, 67, 547 } accept", "oifname " + br + " tcp sport 53 accept",
                        "oifname " + br + " icmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept"));
        if (!dnat.isEmpty()) {
            chain(sb, "prerouting", "type nat hook prerouting priority -100; policy accept;", dnat);
            chain(sb, "output_nat", "type nat hook output priority -100; policy accept;", dnat);
        }
        sb.append("}\n");
        return sb.toString();
    }

    private static void hairpin(List<String> post, String fam, String target) {
        String r = fam + " saddr " + target + " " + fam + " daddr " + target + " masquerade";
        if (!post.contains(r)) {
            post.add(r);
        }
    }

    private static String hostPort(String address, int port) {
        return address.contains(":") ? "[" + address + "]:" + port : address + ":" + port;
    }

    private static void chain(StringBuilder sb, String name, String hook, List<String> rules) {
        sb.append("  chain ").append(name).append(" {\n    ").append(hook).append('\n');
        for (String r : rules) {
            sb.append("    ").append(r).append('\n');
        }
        sb.append("  }\n");
    }

    /** "80", "80,443", "8000-8002" as a list of ports; throws IllegalArgumentException on bad input. */
    public static List<Integer> ports(String spec) {
        List<Integer> out = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String part : spec.split(",")) {
            String p = part.strip();
            String[] r = p.split("-", -1);
            if (r.length > 2) {
                throw new IllegalArgumentException("bad port range \"" + p + "\"");
            }
            int a = port(r[0]);
            int b = r.length == 2 ? port(r[1]) : a;
            if (b < a || b - a > 1024) {
                throw new IllegalArgumentException("bad port range \"" + p + "\"");
            }
            for (int i = a; i <= b; i++) {
                out.add(i);
            }
        }
        return out;
    }

    private static int port(String s) {
        try {
            int p = Integer.parseInt(s.strip());
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port " + s + " out of range 1-65535");
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + s + "\" is not a port number");
        }
    }
}
