package io.jlxd.network;

import io.jlxd.api.host.Tool;

/** The firewall backend available for NAT and DHCP rules of managed networks ({@code environment.firewall}). */
public final class Firewall {
    public static final String NFTABLES = "nftables";

    private Firewall() {
    }

    /** "nftables" when the nft tool is installed, "" when no supported backend is. */
    public static String probe() {
        return Tool.find("nft").isPresent() ? NFTABLES : "";
    }
}
