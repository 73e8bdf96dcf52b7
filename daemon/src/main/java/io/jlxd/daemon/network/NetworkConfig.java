package io.jlxd.daemon.network;

import static io.jlxd.api.config.NetworkConfigKeys.BRIDGE;
import static io.jlxd.api.config.NetworkConfigKeys.BRIDGE_HWADDR;
import static io.jlxd.api.config.NetworkConfigKeys.BRIDGE_MTU;
import static io.jlxd.api.config.NetworkConfigKeys.DNS_DOMAIN;
import static io.jlxd.api.config.NetworkConfigKeys.DNS_MODE;
import static io.jlxd.api.config.NetworkConfigKeys.IPV4_ADDRESS;
import static io.jlxd.api.config.NetworkConfigKeys.IPV4_DHCP;
import static io.jlxd.api.config.NetworkConfigKeys.IPV4_DHCP_EXPIRY;
import static io.jlxd.api.config.NetworkConfigKeys.IPV4_DHCP_RANGES;
import static io.jlxd.api.config.NetworkConfigKeys.IPV4_NAT;
import static io.jlxd.api.config.NetworkConfigKeys.IPV6_ADDRESS;
import static io.jlxd.api.config.NetworkConfigKeys.IPV6_DHCP;
import static io.jlxd.api.config.NetworkConfigKeys.IPV6_DHCP_EXPIRY;
import static io.jlxd.api.config.NetworkConfigKeys.IPV6_NAT;
import static io.jlxd.api.config.NetworkConfigKeys.RAW_DNSMASQ;

import io.jlxd.api.config.ConfigException;
import io.jlxd.network.Cidr;
import io.jlxd.network.SubnetChooser;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Validation and defaults of a managed bridge's config (pure): names the kernel accepts, LXD's keys and values,
 * subnets that overlap neither another network nor the host's routes, DHCP ranges inside the subnet. Every problem is
 * a {@link ConfigException} (a 400) before anything is created or changed.
 */
public final class NetworkConfig {
    /** IFNAMSIZ is 16 with the terminating NUL: a bridge name has at most 15 characters. */
    public static final int MAX_NAME = 15;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern MAC = Pattern.compile("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}");
    private static final Pattern EXPIRY = Pattern.compile("\\d+[smhdw]?|infinite");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9][A-Za-z0-9-]{0,62})*");
    private static final List<String> RAW_REFUSED = List.of("pid-file", "dhcp-leasefile", "conf-file", "conf-dir",
            "interface", "except-interface", "listen-address", "bind-interfaces", "bind-dynamic", "keep-in-foreground",
            "user", "group", "dhcp-script", "log-facility");

    private NetworkConfig() {
    }

    /** A network (and bridge) name: 1 to 15 characters of letters, digits, '-', '_' and '.', not starting with a sign. */
    public static void validateName(String name) {
        if (name == null || name.isEmpty()) {
            throw new ConfigException("The network name is missing");
        }
        if (name.length() > MAX_NAME) {
            throw new ConfigException("Network name \"" + name + "\" is too long: an interface name has at most "
                    + MAX_NAME + " characters");
        }
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException("Invalid network name \"" + name + "\": letters, digits, '-', '_' and '.' only, "
                    + "starting with a letter or digit");
        }
    }

    /** LXD's creation defaults: addresses auto, and NAT on for the families whose address is auto. */
    public static Map<String, String> withCreateDefaults(Map<String, String> given) {
        Map<String, String> c = new TreeMap<>(given == null ? Map.of() : given);
        c.values().removeIf(v -> v == null || v.isEmpty()); // a JSON null is an empty value, as in LXD
        for (String[] fam : new String[][] {{IPV4_ADDRESS, IPV4_NAT}, {IPV6_ADDRESS, IPV6_NAT}}) {
            String a = c.get(fam[0]);
            if (a == null) {
                c.put(fam[0], "auto");
                a = "auto";
            }
            if (a.equals("auto") && !c.containsKey(fam[1])) {
                c.put(fam[1], "true");
            }
        }
        return c;
    }

    /** Replaces {@code auto} addresses by free subnets chosen from {@code used}. */
    public static Map<String, String> resolveAuto(Map<String, String> config, List<Cidr> used, RandomGenerator random) {
        Map<String, String> c = new TreeMap<>(config);
        List<Cidr> taken = new ArrayList<>(used);
        if ("auto".equals(c.get(IPV4_ADDRESS))) {
            Cidr v4 = SubnetChooser.ipv4(taken, random)
                    .orElseThrow(() -> new ConfigException("No free IPv4 subnet under 10.0.0.0/8 for ipv4.address=auto"));
            c.put(IPV4_ADDRESS, v4.toString());
        }
        if ("auto".equals(c.get(IPV6_ADDRESS))) {
            Cidr v6 = SubnetChooser.ipv6(taken, random)
                    .orElseThrow(() -> new ConfigException("No free IPv6 subnet under fd42::/16 for ipv6.address=auto"));
            c.put(IPV6_ADDRESS, v6.toString());
        }
        return c;
    }

    /** The IPv4 address of a config ("none", unset and "auto" give empty). */
    public static Optional<Cidr> ipv4(Map<String, String> c) {
        return address(c.get(IPV4_ADDRESS));
    }

    public static Optional<Cidr> ipv6(Map<String, String> c) {
        return address(c.get(IPV6_ADDRESS));
    }

    private static Optional<Cidr> address(String v) {
        if (v == null || v.isEmpty() || v.equals("none") || v.equals("auto")) {
            return Optional.empty();
        }
        return Optional.of(Cidr.parse(v));
    }

    public static boolean bool(Map<String, String> c, String key, boolean dflt) {
        String v = c.get(key);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        return v.matches("(?i)true|1|yes|on");
    }

    public static String get(Map<String, String> c, String key) {
        String v = c.get(key);
        return v == null || v.isEmpty() ? BRIDGE.find(key).map(k -> k.defaultValue()).orElse("") : v;
    }

    /**
     * Checks a whole config (auto already resolved or still "auto").
     *
     * @param others subnets of the other managed networks, by network name
     * @param host   subnets in the host's addresses and routes that are not this network's own
     */
    public static void validate(Map<String, String> c, Map<String, List<Cidr>> others, List<Cidr> host) {
        BRIDGE.validate(c);
        Cidr v4 = checkAddress(c, IPV4_ADDRESS, true);
        Cidr v6 = checkAddress(c, IPV6_ADDRESS, false);
        for (Cidr mine : new Cidr[] {v4, v6}) {
            if (mine == null) {
                continue;
            }
            for (Map.Entry<String, List<Cidr>> o : others.entrySet()) {
                for (Cidr theirs : o.getValue()) {
                    if (theirs.overlaps(mine)) {
                        throw new ConfigException("Subnet " + mine.subnet() + " overlaps with network \"" + o.getKey()
                                + "\" (" + theirs.subnet() + ")");
                    }
                }
            }
            for (Cidr h : host) {
                if (h.prefix() > 0 && h.overlaps(mine)) {
                    throw new ConfigException("Subnet " + mine.subnet() + " overlaps with " + h.subnet()
                            + ", already in use on the host");
                }
            }
        }
        String ranges = c.getOrDefault(IPV4_DHCP_RANGES, "");
        if (!ranges.isEmpty()) {
            if (v4 == null) {
                throw new ConfigException("ipv4.dhcp.ranges needs an IPv4 address on the network");
            }
            ranges4(ranges, v4);
        }
        for (String key : new String[] {IPV4_DHCP_EXPIRY, IPV6_DHCP_EXPIRY}) {
            String expiry = c.getOrDefault(key, "");
            if (!expiry.isEmpty() && !EXPIRY.matcher(expiry).matches()) {
                throw new ConfigException("Invalid value for \"" + key + "\": \"" + expiry
                        + "\" is not a lease time such as 1h, 30m, 3600 or infinite");
            }
        }
        String mode = c.getOrDefault(DNS_MODE, "");
        if (!mode.isEmpty() && !mode.equals("managed") && !mode.equals("none")) {
            throw new ConfigException("Invalid value for \"dns.mode\": \"" + mode + "\" (managed or none)");
        }
        String domain = c.getOrDefault(DNS_DOMAIN, "");
        if (!domain.isEmpty() && (!DOMAIN.matcher(domain).matches() || domain.length() > 253)) {
            throw new ConfigException("Invalid value for \"dns.domain\": \"" + domain + "\" is not a domain name");
        }
        String mtu = c.getOrDefault(BRIDGE_MTU, "");
        if (!mtu.isEmpty()) {
            long m = Long.parseLong(mtu);
            int min = v6 != null ? 1280 : 576;
            if (m < min || m > 9000) {
                throw new ConfigException("Invalid value for \"bridge.mtu\": " + mtu + " is outside " + min + "-9000");
            }
        }
        String mac = c.getOrDefault(BRIDGE_HWADDR, "");
        if (!mac.isEmpty()) {
            if (!MAC.matcher(mac).matches()) {
                throw new ConfigException("Invalid value for \"bridge.hwaddr\": \"" + mac + "\" is not a MAC address");
            }
            int first = Integer.parseInt(mac.substring(0, 2), 16);
            if ((first & 1) != 0 || mac.equals("00:00:00:00:00:00")) {
                throw new ConfigException("Invalid value for \"bridge.hwaddr\": \"" + mac + "\" is not a unicast MAC address");
            }
        }
        for (String line : c.getOrDefault(RAW_DNSMASQ, "").split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String key = l.split("=", 2)[0].strip().replaceFirst("^--", "");
            if (RAW_REFUSED.contains(key)) {
                throw new ConfigException("Invalid value for \"raw.dnsmasq\": \"" + key + "\" is managed by jlxd");
            }
        }
    }

    /** The ranges as "first-last" strings, each inside the subnet and ordered. */
    public static List<String> ranges4(String spec, Cidr v4) {
        List<String> out = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String r : spec.split(",")) {
            String[] fl = r.strip().split("-", 2);
            if (fl.length != 2) {
                throw new ConfigException("Invalid value for \"ipv4.dhcp.ranges\": \"" + r.strip() + "\" is not first-last");
            }
            InetAddress a;
            InetAddress b;
            try {
                a = Cidr.literal(fl[0].strip());
                b = Cidr.literal(fl[1].strip());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("Invalid value for \"ipv4.dhcp.ranges\": " + e.getMessage());
            }
            if (!v4.contains(a) || !v4.contains(b)) {
                throw new ConfigException("Invalid value for \"ipv4.dhcp.ranges\": " + r.strip() + " is not inside "
                        + v4.subnet());
            }
            if (new java.math.BigInteger(1, a.getAddress()).compareTo(new java.math.BigInteger(1, b.getAddress())) > 0) {
                throw new ConfigException("Invalid value for \"ipv4.dhcp.ranges\": " + r.strip() + " ends before it starts");
            }
            out.add(Cidr.text(a) + "-" + Cidr.text(b));
        }
        return out;
    }

    private static Cidr checkAddress(Map<String, String> c, String key, boolean ipv4) {
        String v = c.getOrDefault(key, "");
        if (v.isEmpty() || v.equals("none") || v.equals("auto")) {
            return null;
        }
        Cidr a;
        try {
            a = Cidr.parse(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid value for \"" + key + "\": " + e.getMessage());
        }
        if (a.isIpv4() != ipv4) {
            throw new ConfigException("Invalid value for \"" + key + "\": \"" + v + "\" is not an IPv" + (ipv4 ? "4" : "6") + " address");
        }
        if (ipv4) {
            if (a.prefix() < 8 || a.prefix() > 30) {
                throw new ConfigException("Invalid value for \"" + key + "\": the prefix must be between 8 and 30");
            }
            if (a.address().equals(a.network()) || a.address().equals(a.last())) {
                throw new ConfigException("Invalid value for \"" + key + "\": \"" + v
                        + "\" is the network or broadcast address, not a host address (e.g. " + Cidr.text(a.host(1)) + "/" + a.prefix() + ")");
            }
        } else {
            if (a.prefix() < 8 || a.prefix() > 124) {
                throw new ConfigException("Invalid value for \"" + key + "\": the prefix must be between 8 and 124 (64 for SLAAC)");
            }
            if (a.address().equals(a.network())) {
                throw new ConfigException("Invalid value for \"" + key + "\": \"" + v + "\" is the subnet's own address");
            }
            if (a.address().isLinkLocalAddress() || a.address().isMulticastAddress()) {
                throw new ConfigException("Invalid value for \"" + key + "\": not a global or unique-local address");
            }
        }
        return a;
    }
}
