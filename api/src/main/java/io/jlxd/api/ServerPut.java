package io.jlxd.api;

import java.util.Map;

/** Body of {@code PUT /1.0} and {@code PATCH /1.0}. */
public record ServerPut(Map<String, String> config) {
}
