package io.jlxd.daemon.nic;

import io.jlxd.api.config.DeviceConfigKeys;
import io.jlxd.daemon.http.ApiException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Map;

/**
 * A {@code nic} device as the user wrote it, checked: {@code network: NAME}, or {@code nictype: bridged} with
 * {@code parent: BRIDGE}; {@code name}, {@code hwaddr}, {@code mtu}, {@code host_name}, {@code ipv4.address},
 * {@code ipv6.address}. Null fields are unset.
 *
 * @param device  the device's name in the instance's devices
 * @param network the managed network, or null
 * @param parent  the bridge of a {@code nictype: bridged} NIC, or null
 * @param name    the interface name inside the instance (default: the device's name)
 * @param hwaddr  the user's MAC, or null (then {@code volatile.<device>.hwaddr})
 * @param mtu     the MTU, or 0 for the default
 * @param hostName the user's host-end name, or null (then {@code volatile.<device>.host_name})
 */
public record NicDevice(String device, String network, String parent, String name, String hwaddr, int mtu, String hostName,
                        String ipv4, String ipv6) {
    public static final String TYPE = "nic";

    public static boolean is(Map<String, String> d) {
        return TYPE.equals(d.get("type"));
    }

    public static String volatileHwaddr(String device) {
        return "volatile." + device + ".hwaddr";
    }

    public static String volatileHostName(String device) {
        return "volatile." + device + ".host_name";
    }

    /** Parses and checks a nic device; a 400 naming the device and the key otherwise. */
    public static NicDevice parse(String device, Map<String, String> d) {
        for (String k : d.keySet()) {
            if (DeviceConfigKeys.NIC.find(k).isEmpty()) {
                throw bad(device, "unknown nic key \"" + k + "\"");
            }
        }
        String network = value(d, "network");
        String nictype = value(d, "nictype");
        String parent = value(d, "parent");
        if (network != null) {
            if (nictype != null && !nictype.equals("bridged")) {
                throw bad(device, "\"network\" cannot be combined with nictype \"" + nictype + "\"");
            }
            if (parent != null) {
                throw bad(device, "\"network\" and \"parent\" exclude each other (the network gives the bridge)");
            }
            if (IfNames.problem(network) != null && !network.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
                throw bad(device, "invalid network name \"" + network + "\"");
            }
        } else {
            if (nictype == null) {
                throw bad(device, "a nic needs \"network\" (a managed network) or \"nictype\": \"bridged\" with \"parent\"");
            }
            if (!nictype.equals("bridged")) {
                throw bad(device, "unsupported nictype \"" + nictype + "\" (only \"bridged\")");
            }
            if (parent == null) {
                throw bad(device, "nictype \"bridged\" needs \"parent\" (the host bridge)");
            }
            String p = IfNames.problem(parent);
            if (p != null) {
                throw bad(device, "invalid parent \"" + parent + "\": " + p);
            }
        }
        String name = value(d, "name");
        if (name == null) {
            name = device;
        }
        String np = IfNames.problem(name);
        if (np != null) {
            throw bad(device, "invalid interface name \"" + name + "\"" + (d.containsKey("name") ? "" : " (the device's name; set \"name\")")
                    + ": " + np);
        }
        String hwaddr = value(d, "hwaddr");
        if (hwaddr != null) {
            String hp = Hwaddr.problem(hwaddr);
            if (hp != null) {
                throw bad(device, "invalid hwaddr \"" + hwaddr + "\": " + hp);
            }
            hwaddr = Hwaddr.normalize(hwaddr);
        }
        int mtu = 0;
        String m = value(d, "mtu");
        if (m != null) {
            try {
                mtu = Integer.parseInt(m);
            } catch (NumberFormatException e) {
                mtu = -1;
            }
            if (mtu < 68 || mtu > 65535) {
                throw bad(device, "invalid mtu \"" + m + "\" (68 to 65535)");
            }
        }
        String hostName = value(d, "host_name");
        if (hostName != null) {
            String hp = IfNames.problem(hostName);
            if (hp != null) {
                throw bad(device, "invalid host_name \"" + hostName + "\": " + hp);
            }
        }
        String v4 = value(d, "ipv4.address");
        if (v4 != null && !(ipLiteral(v4) instanceof Inet4Address)) {
            throw bad(device, "invalid ipv4.address \"" + v4 + "\" (an IPv4 address, without prefix length)");
        }
        String v6 = value(d, "ipv6.address");
        if (v6 != null && !(ipLiteral(v6) instanceof Inet6Address)) {
            throw bad(device, "invalid ipv6.address \"" + v6 + "\" (an IPv6 address, without prefix length)");
        }
        return new NicDevice(device, network, parent, name, hwaddr, mtu, hostName, v4, v6);
    }

    /** An IP literal (never a DNS lookup), or null. */
    public static InetAddress ipLiteral(String s) {
        if (!s.matches("[0-9.]+") && !s.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        if (s.matches("[0-9.]+") && !s.matches("(\\d{1,3}\\.){3}\\d{1,3}")) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String value(Map<String, String> d, String key) {
        String v = d.get(key);
        return v == null || v.isEmpty() ? null : v;
    }

    private static ApiException bad(String device, String msg) {
        return ApiException.badRequest("Device \"" + device + "\": " + msg);
    }
}
