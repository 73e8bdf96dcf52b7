package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * lxc's list filters: a bare word matches names (as an anchored regular expression, or as a prefix), and
 * {@code KEY=VALUE} matches a field ({@code name}, {@code status}/{@code state}, {@code type}, {@code description},
 * {@code architecture}) or an expanded config key ({@code user.foo=bar}, {@code image.os=busybox}); all must match.
 */
final class ListFilter {
    private ListFilter() {
    }

    static boolean matches(List<String> filters, JsonNode inst) {
        for (String filter : filters) {
            if (!matches(filter, inst)) {
                return false;
            }
        }
        return true;
    }

    static boolean matches(String filter, JsonNode inst) {
        int eq = filter.indexOf('=');
        String name = inst.path("name").asText("");
        if (eq < 0) {
            return regexOrPrefix(filter, name);
        }
        String key = filter.substring(0, eq);
        String value = filter.substring(eq + 1);
        return switch (key) {
            case "name" -> regexOrPrefix(value, name);
            case "status", "state" -> inst.path("status").asText("").equalsIgnoreCase(value);
            case "type" -> inst.path("type").asText("").equalsIgnoreCase(value);
            case "description", "architecture", "location" -> inst.path(key).asText("").equals(value);
            default -> {
                String k = key.startsWith("config.") ? key.substring("config.".length()) : key;
                JsonNode v = inst.path("expanded_config").get(k);
                yield v != null && v.asText().equals(value);
            }
        };
    }

    private static boolean regexOrPrefix(String filter, String name) {
        if (name.startsWith(filter)) {
            return true;
        }
        String regex = filter.contains("^") || filter.contains("$") ? filter : "^" + filter + "$";
        try {
            return Pattern.compile(regex).matcher(name).find();
        } catch (PatternSyntaxException e) {
            return false;
        }
    }
}
