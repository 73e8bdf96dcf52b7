package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server as {@code jlxc info} shows it: LXD's field order (config, api_extensions, api_status, api_version,
 * auth, public, auth_methods, ..., environment, then anything newer), config keys sorted, and sensitive-looking
 * config values replaced by {@code SENSITIVE} as LXD's {@code Server.Filtered()} does.
 */
public final class ServerInfo {
    static final String MASK = "SENSITIVE";
    private static final List<String> ORDER = List.of("config", "api_extensions", "api_status", "api_version",
            "auth", "public", "auth_methods", "auth_user_name", "auth_user_method", "environment");
    /** Last key segments that LXD treats as secrets (plus "hmac", as Incus does). */
    private static final List<String> SENSITIVE_SUFFIXES = List.of("key", "cert", "hmac", "password", "secret",
            "token");

    private ServerInfo() {
    }

    /** A copy of {@code GET /1.0}'s metadata arranged and masked for display. */
    public static ObjectNode forDisplay(JsonNode server) {
        ObjectNode view = JsonNodeFactory.instance.objectNode();
        for (String field : ORDER) {
            JsonNode value = server.get(field);
            if (value != null) {
                view.set(field, field.equals("config") ? maskedConfig(value) : value);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = server.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!view.has(e.getKey())) {
                view.set(e.getKey(), e.getValue());
            }
        }
        return view;
    }

    static JsonNode maskedConfig(JsonNode config) {
        if (!config.isObject()) {
            return config;
        }
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        config.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        sorted.forEach((key, value) -> {
            boolean hide = isSensitive(key) && !(value.isTextual() && value.asText().isEmpty()) && !value.isNull();
            out.set(key, hide ? JsonNodeFactory.instance.textNode(MASK) : value);
        });
        return out;
    }

    /** True if the key's last dot-separated segment ends in key, cert, hmac, password, secret or token. */
    public static boolean isSensitive(String key) {
        String segment = key.substring(key.lastIndexOf('.') + 1);
        return SENSITIVE_SUFFIXES.stream().anyMatch(segment::endsWith);
    }
}
