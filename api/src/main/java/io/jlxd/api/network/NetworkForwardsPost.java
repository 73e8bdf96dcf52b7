package io.jlxd.api.network;

import java.util.List;
import java.util.Map;

/** Body of {@code POST .../forwards} (listen_address required) and, without it, of PUT/PATCH on a forward. */
public record NetworkForwardsPost(String listenAddress, String description, Map<String, String> config,
                                  List<NetworkForwardPort> ports) {
}
