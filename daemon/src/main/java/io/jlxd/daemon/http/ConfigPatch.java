package io.jlxd.daemon.http;

import java.util.Map;
import java.util.TreeMap;

/**
 * LXD's update rules for a config map: PUT replaces it with what was given; PATCH merges key by key, a key given
 * with an empty value being removed. A JSON {@code null} value is an empty one (as in LXD, whose Go maps of strings
 * read null as "").
 */
public final class ConfigPatch {
    private ConfigPatch() {
    }

    /** The new config from {@code current} and the {@code given} one (may be null: nothing given). */
    public static Map<String, String> apply(Map<String, String> current, Map<String, String> given, boolean patch) {
        if (!patch) {
            Map<String, String> out = new TreeMap<>();
            if (given != null) {
                given.forEach((k, v) -> out.put(k, v == null ? "" : v));
            }
            return out;
        }
        Map<String, String> out = new TreeMap<>(current);
        if (given != null) {
            given.forEach((k, v) -> {
                if (v == null || v.isEmpty()) {
                    out.remove(k);
                } else {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    /** The keys a PATCH sets (given with a value): what to validate. */
    public static Map<String, String> setKeys(Map<String, String> given) {
        Map<String, String> out = new TreeMap<>();
        if (given != null) {
            given.forEach((k, v) -> {
                if (v != null && !v.isEmpty()) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }
}
