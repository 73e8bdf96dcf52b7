package io.jlxd.daemon.network;

import java.util.Optional;

/**
 * What a NIC device ({@code type: nic, network: NAME}) needs from the managed network it joins: the contract
 * between the managed networks (bridges, dnsmasq, nftables) and the instances' NICs.
 *
 * <p>The managed-network side derives DHCP reservations and DNS names from the instances' rows itself: every NIC
 * device of an instance (profiles expanded) with {@code network: NAME}, its MAC in {@code volatile.<device>.hwaddr},
 * its static addresses in {@code ipv4.address} / {@code ipv6.address}, and the instance's name as host name.
 */
public interface NetworkAttachments {
    /**
     * A managed network as a NIC sees it.
     *
     * @param network    the network's name
     * @param bridge     the Linux bridge a NIC's host end joins
     * @param mtu        the bridge's MTU (a NIC's default)
     * @param ipv4Subnet the network's IPv4 subnet in CIDR form ("10.12.1.1/24"), or null when it has none
     * @param ipv6Subnet the network's IPv6 subnet in CIDR form, or null
     */
    record Attachment(String network, String bridge, int mtu, String ipv4Subnet, String ipv6Subnet) {
    }

    /** The managed network {@code network}, or empty when there is no managed network of that name. */
    Optional<Attachment> attachment(String network);

    /**
     * The NICs on {@code network} changed (an instance was created, started, renamed or deleted, a NIC was added,
     * removed or got its MAC or a static address): refresh the DHCP reservations and DNS names of the network.
     */
    void nicsChanged(String network);

    /** No managed networks (daemon started with {@code --network none} before any network exists, and tests). */
    NetworkAttachments NONE = new NetworkAttachments() {
        @Override
        public Optional<Attachment> attachment(String network) {
            return Optional.empty();
        }

        @Override
        public void nicsChanged(String network) {
        }
    };
}
