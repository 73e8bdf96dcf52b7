package io.jlxd.api.instance;

import java.util.Map;

/** Where a new instance comes from: {@code image} (alias or fingerprint), {@code none}, {@code copy}, {@code migration}. */
public record InstanceSource(
        String type,
        String alias,
        String fingerprint,
        Map<String, String> properties,
        String server,
        String protocol,
        String source,
        Boolean instanceOnly,
        String mode,
        String operation,
        Map<String, String> secrets,
        String certificate,
        Boolean live) {
}
