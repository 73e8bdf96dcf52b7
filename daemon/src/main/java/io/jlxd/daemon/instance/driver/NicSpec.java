package io.jlxd.daemon.instance.driver;

import java.util.regex.Pattern;

/**
 * A veth NIC of a container: liblxc creates the pair at start ({@code lxc.net.N.type = veth}), the host end
 * {@code hostName} joining {@code bridge}, the container end named {@code name} with {@code hwaddr} and {@code mtu}
 * (0: the kernel's default), up.
 */
public record NicSpec(String name, String hostName, String bridge, String hwaddr, int mtu) {
    private static final Pattern IFNAME = Pattern.compile("[^\\s/:%\"'\\\\]{1,15}");
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    public NicSpec {
        for (String n : new String[] {name, hostName, bridge}) {
            if (n == null || !IFNAME.matcher(n).matches() || n.equals(".") || n.equals("..")) {
                throw new IllegalArgumentException("invalid interface name: " + n);
            }
        }
        if (hwaddr == null || !MAC.matcher(hwaddr).matches()) {
            throw new IllegalArgumentException("invalid hwaddr: " + hwaddr);
        }
        if (mtu != 0 && (mtu < 68 || mtu > 65535)) {
            throw new IllegalArgumentException("invalid mtu: " + mtu);
        }
    }
}
