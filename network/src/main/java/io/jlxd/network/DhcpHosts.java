package io.jlxd.network;

import java.util.Comparator;
import java.util.List;

/**
 * The hosts file of a managed bridge's dnsmasq: one {@code dhcp-host=} line per NIC with a known MAC, giving the
 * instance's name (so DNS answers {@code <name>.<domain>}) and its static addresses as reservations. It is included
 * with {@code conf-file=} (read at start, before dnsmasq drops its privileges: the file is readable by root only),
 * so a change restarts dnsmasq.
 */
public final class DhcpHosts {
    /**
     * One NIC on the network.
     *
     * @param name  the instance's name (the DHCP host name)
     * @param mac   the NIC's MAC ("00:16:3e:..")
     * @param ipv4  static IPv4 address, or "" for a dynamic one
     * @param ipv6  static IPv6 address, or ""
     */
    public record Host(String name, String mac, String ipv4, String ipv6) {
    }

    private DhcpHosts() {
    }

    /** The file's text, sorted by name then MAC so that equal inputs give equal files. */
    public static String render(List<Host> hosts) {
        StringBuilder sb = new StringBuilder();
        hosts.stream().sorted(Comparator.comparing(Host::name).thenComparing(Host::mac)).forEach(h -> {
            sb.append("dhcp-host=").append(h.mac().toLowerCase());
            if (!h.ipv4().isEmpty()) {
                sb.append(',').append(h.ipv4());
            }
            if (!h.ipv6().isEmpty()) {
                sb.append(",[").append(h.ipv6()).append(']');
            }
            sb.append(',').append(h.name()).append('\n');
        });
        return sb.toString();
    }
}
