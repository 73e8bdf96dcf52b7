package io.jlxd.api.instance;

import java.util.List;
import java.util.Map;

/** {@code GET /1.0/profiles/{name}}. */
public record Profile(String name, String description, Map<String, String> config,
                      Map<String, Map<String, String>> devices, List<String> usedBy, String project) {
}
