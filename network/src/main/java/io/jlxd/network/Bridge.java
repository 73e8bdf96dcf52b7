package io.jlxd.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Linux bridge driven with iproute2's {@code ip}: create, MTU, MAC, addresses, up, delete. The bridge's alias
 * ({@code ifalias}) records which daemon owns it, so that a daemon recognises its own bridge after a restart and
 * never takes over another's.
 */
public final class Bridge {
    private Bridge() {
    }

    /** The owner mark of a bridge, or "" when it has none or does not exist. */
    public static String owner(String name) {
        try {
            return Files.readString(Path.of("/sys/class/net", name, "ifalias")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    public static boolean isBridge(String name) {
        return Files.isDirectory(Path.of("/sys/class/net", name, "bridge"));
    }

    /** Creates the bridge (down, marked with {@code owner}); fails when an interface of that name exists. */
    public static void create(String name, String owner) throws IOException {
        Cmd.run("ip", "link", "add", "dev", name, "type", "bridge");
        try {
            Cmd.run("ip", "link", "set", "dev", name, "alias", owner);
        } catch (IOException e) {
            delete(name);
            throw e;
        }
    }

    /** Sets the owner mark of an existing bridge (one left unmarked by an interrupted {@link #create}). */
    public static void mark(String name, String owner) throws IOException {
        Cmd.run("ip", "link", "set", "dev", name, "alias", owner);
    }

    /**
     * MTU (0 = leave as is), MAC ("" = leave as is), then up. The bridge never configures itself from router
     * advertisements (its own dnsmasq sends them).
     */
    public static void configure(String name, int mtu, String hwaddr) throws IOException {
        Path v6 = Path.of("/proc/sys/net/ipv6/conf", name);
        if (Files.isDirectory(v6)) {
            Files.writeString(v6.resolve("accept_ra"), "0");
            Files.writeString(v6.resolve("autoconf"), "0");
        }
        if (mtu > 0) {
            Cmd.run("ip", "link", "set", "dev", name, "mtu", Integer.toString(mtu));
        }
        if (hwaddr != null && !hwaddr.isEmpty()) {
            Cmd.run("ip", "link", "set", "dev", name, "address", hwaddr);
        }
        Cmd.run("ip", "link", "set", "dev", name, "up");
    }

    /** Replaces the bridge's global addresses of one family with {@code address} (null: none). */
    public static void setAddress(String name, boolean ipv4, Cidr address) throws IOException {
        Cmd.run("ip", ipv4 ? "-4" : "-6", "addr", "flush", "dev", name, "scope", "global");
        if (address != null) {
            if (ipv4) {
                Cmd.run("ip", "-4", "addr", "add", address.toString(), "broadcast",
                        Cidr.text(address.last()), "dev", name);
            } else {
                Cmd.run("ip", "-6", "addr", "add", address.toString(), "dev", name, "nodad");
            }
        }
    }

    /** Turns on IPv4 or IPv6 forwarding on the host (as LXD does for its bridges). */
    public static void enableForwarding(boolean ipv4) throws IOException {
        Path p = Path.of(ipv4 ? "/proc/sys/net/ipv4/ip_forward" : "/proc/sys/net/ipv6/conf/all/forwarding");
        if (!Files.readString(p).strip().equals("1")) {
            Files.writeString(p, "1");
        }
    }

    public static int mtu(String name) {
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", name, "mtu")).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Deletes the interface if it exists. */
    public static void delete(String name) throws IOException {
        if (HostNetworks.exists(name)) {
            Cmd.run("ip", "link", "delete", "dev", name);
        }
    }
}
