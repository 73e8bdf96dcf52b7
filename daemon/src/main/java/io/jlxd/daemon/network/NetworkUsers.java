package io.jlxd.daemon.network;

import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.ProfileTable;
import io.jlxd.daemon.instance.Expand;
import io.jlxd.network.DhcpHosts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the instance and profile rows say about a network: who uses it ({@code used_by}, 409 on delete), and its DHCP
 * host entries (one per NIC device with {@code network: NAME}, profiles expanded, MAC from the device's {@code hwaddr}
 * or {@code volatile.<device>.hwaddr}, static {@code ipv4.address}/{@code ipv6.address}, the instance's name).
 */
public final class NetworkUsers {
    private final InstanceTable instances;
    private final ProfileTable profiles;

    public NetworkUsers(InstanceTable instances, ProfileTable profiles) {
        this.instances = instances;
        this.profiles = profiles;
    }

    static boolean on(Map<String, String> device, String network) {
        return "nic".equals(device.get("type")) && network.equals(device.get("network"));
    }

    private Map<String, Map<String, String>> expanded(InstanceTable.Row r) {
        return Expand.devices(r.profiles().stream().map(p -> profiles.get(p).orElse(null)).filter(p -> p != null).toList(),
                r.devices());
    }

    /** Instances with a NIC on the network. */
    public List<String> instancesOn(String network) {
        List<String> out = new ArrayList<>();
        for (String name : instances.names()) {
            instances.get(name).ifPresent(r -> {
                if (expanded(r).values().stream().anyMatch(d -> on(d, network))) {
                    out.add(name);
                }
            });
        }
        return out;
    }

    /** Profiles with a NIC on the network. */
    public List<String> profilesOn(String network) {
        List<String> out = new ArrayList<>();
        for (String p : profiles.names()) {
            profiles.get(p).ifPresent(r -> {
                if (r.devices().values().stream().anyMatch(d -> on(d, network))) {
                    out.add(p);
                }
            });
        }
        return out;
    }

    /** The DHCP host entries of the network. */
    public List<DhcpHosts.Host> hosts(String network) {
        List<DhcpHosts.Host> out = new ArrayList<>();
        for (String name : instances.names()) {
            instances.get(name).ifPresent(r -> out.addAll(hosts(network, r.name(), expanded(r), r.volatileConfig())));
        }
        return out;
    }

    /** The entries of one instance (pure: its expanded devices and volatile keys). */
    static List<DhcpHosts.Host> hosts(String network, String instance, Map<String, Map<String, String>> devices,
                                      Map<String, String> volatileConfig) {
        List<DhcpHosts.Host> out = new ArrayList<>();
        devices.forEach((dev, d) -> {
            if (!on(d, network)) {
                return;
            }
            String mac = d.getOrDefault("hwaddr", "");
            if (mac.isEmpty()) {
                mac = volatileConfig.getOrDefault("volatile." + dev + ".hwaddr", "");
            }
            if (mac.isEmpty()) {
                return; // no MAC yet: the NIC gets one at its first start, and nicsChanged follows
            }
            out.add(new DhcpHosts.Host(instance, mac, d.getOrDefault("ipv4.address", ""), d.getOrDefault("ipv6.address", "")));
        });
        return out;
    }
}
