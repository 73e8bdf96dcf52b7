package io.jlxd.api.config;

import java.util.List;

/** Configuration keys of managed networks (bridge) and of network forwards. */
public final class NetworkConfigKeys {
    public static final String IPV4_ADDRESS = "ipv4.address";
    public static final String IPV4_NAT = "ipv4.nat";
    public static final String IPV4_DHCP = "ipv4.dhcp";
    public static final String IPV4_DHCP_RANGES = "ipv4.dhcp.ranges";
    public static final String IPV4_DHCP_EXPIRY = "ipv4.dhcp.expiry";
    public static final String IPV6_ADDRESS = "ipv6.address";
    public static final String IPV6_NAT = "ipv6.nat";
    public static final String IPV6_DHCP = "ipv6.dhcp";
    public static final String IPV6_DHCP_EXPIRY = "ipv6.dhcp.expiry";
    public static final String DNS_DOMAIN = "dns.domain";
    public static final String DNS_MODE = "dns.mode";
    public static final String BRIDGE_MTU = "bridge.mtu";
    public static final String BRIDGE_HWADDR = "bridge.hwaddr";
    public static final String RAW_DNSMASQ = "raw.dnsmasq";

    public static final ConfigSchema BRIDGE = new ConfigSchema("network", List.of(
            new ConfigKey(IPV4_ADDRESS, ValueType.STRING, "auto",
                    "IPv4 address and prefix of the bridge (CIDR, e.g. 10.0.3.1/24); `auto` picks a free 10.x.y.0/24 "
                            + "from the host's routes and addresses (stored as the chosen address); `none` for no IPv4"),
            new ConfigKey(IPV4_NAT, ValueType.BOOL, "false",
                    "Masquerade IPv4 traffic leaving the subnet (true at creation when ipv4.address is auto or unset)"),
            new ConfigKey(IPV4_DHCP, ValueType.BOOL, "true", "Serve DHCPv4 on the bridge"),
            new ConfigKey(IPV4_DHCP_RANGES, ValueType.STRING, "",
                    "DHCPv4 ranges as first-last pairs separated by commas, inside the subnet (default: all but the gateway)"),
            new ConfigKey(IPV4_DHCP_EXPIRY, ValueType.STRING, "1h", "DHCP lease time: a number with s, m, h, d or w, or infinite"),
            new ConfigKey(IPV6_ADDRESS, ValueType.STRING, "auto",
                    "IPv6 address and prefix of the bridge (CIDR, a /64 for SLAAC); `auto` picks a free /64 under "
                            + "fd42::/16 the same way; `none` for no IPv6"),
            new ConfigKey(IPV6_NAT, ValueType.BOOL, "false",
                    "Masquerade IPv6 traffic leaving the subnet (true at creation when ipv6.address is auto or unset)"),
            new ConfigKey(IPV6_DHCP, ValueType.BOOL, "true",
                    "Stateless DHCPv6 (DNS server and domain) next to the router advertisements for SLAAC"),
            new ConfigKey(IPV6_DHCP_EXPIRY, ValueType.STRING, "1h",
                    "Lifetime of the router-advertised prefix and of DHCPv6 answers, like ipv4.dhcp.expiry"),
            new ConfigKey(DNS_DOMAIN, ValueType.STRING, "lxd", "DNS domain of the network: instances resolve as <name>.<domain>"),
            new ConfigKey(DNS_MODE, ValueType.STRING, "managed", "`managed`: dnsmasq answers DNS on the bridge; `none`: no DNS"),
            new ConfigKey(BRIDGE_MTU, ValueType.INTEGER, "1500", "MTU of the bridge (576 to 9000), announced to DHCP clients"),
            new ConfigKey(BRIDGE_HWADDR, ValueType.STRING, "", "MAC address of the bridge (default: the kernel's)"),
            new ConfigKey(RAW_DNSMASQ, ValueType.STRING, "", "Extra dnsmasq configuration lines, appended to the generated file"),
            new ConfigKey("user.*", ValueType.STRING, "", "Free-form user key, stored and returned as is")));

    public static final ConfigSchema FORWARD = new ConfigSchema("network forward", List.of(
            new ConfigKey("target_address", ValueType.STRING, "",
                    "Default target: traffic to the listen address that no port rule matches goes to this address"),
            new ConfigKey("user.*", ValueType.STRING, "", "Free-form user key, stored and returned as is")));

    private NetworkConfigKeys() {
    }
}
