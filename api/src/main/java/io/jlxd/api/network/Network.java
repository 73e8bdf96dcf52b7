package io.jlxd.api.network;

import java.util.List;
import java.util.Map;

/** {@code GET /1.0/networks/{name}} (LXD's Network): managed bridges, and the host's own interfaces (managed false). */
public record Network(String name, String description, String type, boolean managed, String status,
                      Map<String, String> config, List<String> usedBy, List<String> locations) {
}
