package io.jlxd.api.config;

import java.util.List;

/**
 * Keys of the device types beyond disks: {@code nic} (bridged veth NICs) and {@code proxy} (port publishing). The
 * daemon checks values itself (io.jlxd.daemon.nic); these schemas name the accepted keys and document them.
 */
public final class DeviceConfigKeys {
    public static final ConfigSchema NIC = new ConfigSchema("nic device", List.of(
            new ConfigKey("type", ValueType.STRING, "", "nic"),
            new ConfigKey("network", ValueType.STRING, "",
                    "Managed network to join (its bridge); excludes nictype and parent"),
            new ConfigKey("nictype", ValueType.STRING, "", "bridged (the only type; implied by network)"),
            new ConfigKey("parent", ValueType.STRING, "", "nictype=bridged: the host bridge the host end of the veth pair joins"),
            new ConfigKey("name", ValueType.STRING, "",
                    "Interface name inside the instance (at most 15 characters; default: the device's name)"),
            new ConfigKey("hwaddr", ValueType.STRING, "",
                    "MAC address; unset: one is generated once (00:16:3e:xx:xx:xx) and kept in volatile.<device>.hwaddr"),
            new ConfigKey("mtu", ValueType.INTEGER, "", "MTU of both ends (default: the bridge's, or the kernel's)"),
            new ConfigKey("host_name", ValueType.STRING, "",
                    "Name of the host end (default: a random veth<8 hex digits>, kept in volatile.<device>.host_name)"),
            new ConfigKey("ipv4.address", ValueType.STRING, "", "Static IPv4 address: a DHCP reservation on a managed network"),
            new ConfigKey("ipv6.address", ValueType.STRING, "", "Static IPv6 address: a DHCP reservation on a managed network")));

    public static final ConfigSchema PROXY = new ConfigSchema("proxy device", List.of(
            new ConfigKey("type", ValueType.STRING, "", "proxy"),
            new ConfigKey("listen", ValueType.STRING, "",
                    "Where the host listens: tcp:ADDR:PORT or udp:ADDR:PORT (IPv6 in brackets)"),
            new ConfigKey("connect", ValueType.STRING, "",
                    "Where connections go inside the instance's network namespace: tcp:ADDR:PORT or udp:ADDR:PORT (same protocol as listen)"),
            new ConfigKey("bind", ValueType.STRING, "host", "host (listen on the host; the only mode)")));

    private DeviceConfigKeys() {
    }
}
