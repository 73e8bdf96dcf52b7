package io.jlxd.api.network;

import java.util.Map;

/** Body of {@code POST /1.0/networks} (name required; type bridge) and, without name and type, of PUT/PATCH. */
public record NetworksPost(String name, String type, String description, Map<String, String> config) {
}
