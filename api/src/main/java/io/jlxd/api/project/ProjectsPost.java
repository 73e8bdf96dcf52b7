package io.jlxd.api.project;

import java.util.Map;

/** Body of {@code POST /1.0/projects}. */
public record ProjectsPost(String name, String description, Map<String, String> config) {
}
