package io.jlxd.api.instance;

import java.util.Map;

/** Body of {@code POST /1.0/profiles} (with name) and {@code PUT/PATCH /1.0/profiles/{name}} (without). */
public record ProfilePut(String name, String description, Map<String, String> config,
                         Map<String, Map<String, String>> devices) {
}
