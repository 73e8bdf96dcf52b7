package io.jlxd.api.project;

import java.util.List;
import java.util.Map;

/** {@code GET /1.0/projects/{name}}: LXD's project. */
public record Project(String name, String description, Map<String, String> config, List<String> usedBy) {
}
