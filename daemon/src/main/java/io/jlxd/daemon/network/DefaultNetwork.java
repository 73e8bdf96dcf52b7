package io.jlxd.daemon.network;

import io.jlxd.daemon.db.ProfileTable;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/** The default network's NIC in the default profile: {@code eth0: {type: nic, network: NAME, name: eth0}}, like LXD's. */
public final class DefaultNetwork {
    private static final Logger LOG = Logger.getLogger(DefaultNetwork.class.getName());

    private DefaultNetwork() {
    }

    /** Adds eth0 on {@code network} to the default profile, unless it already has a device named eth0. */
    public static void addToDefaultProfile(ProfileTable profiles, String network) {
        profiles.get("default").ifPresent(p -> {
            if (p.devices().containsKey("eth0")) {
                LOG.info("default profile already has an eth0 device; " + network + " not added to it");
                return;
            }
            Map<String, Map<String, String>> devices = new TreeMap<>(p.devices());
            devices.put("eth0", new TreeMap<>(Map.of("type", "nic", "network", network, "name", "eth0")));
            profiles.update(new ProfileTable.Row(p.name(), p.description(), p.config(), devices));
            LOG.info("default network " + network + " created and added to the default profile as eth0");
        });
    }
}
