package io.jlxd.api.project;

import java.util.Map;

/**
 * {@code GET /1.0/projects/{name}/state}: usage against limits per resource ({@code containers}, {@code cpu},
 * {@code disk}, {@code instances}, {@code memory}, {@code networks}, {@code processes}, {@code virtual-machines}).
 */
public record ProjectState(Map<String, Resource> resources) {
    /** A limit of -1 means none. */
    public record Resource(long limit, long usage) {
    }
}
