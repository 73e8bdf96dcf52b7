package io.jlxd.api.network;

import java.util.List;
import java.util.Map;

/** A network forward (LXD's NetworkForward): a listen address, its port rules and a default target. */
public record NetworkForward(String listenAddress, String description, Map<String, String> config,
                             List<NetworkForwardPort> ports, String location) {
}
