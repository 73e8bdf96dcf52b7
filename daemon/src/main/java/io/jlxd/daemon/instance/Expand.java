package io.jlxd.daemon.instance;

import io.jlxd.daemon.db.ProfileTable;
import io.jlxd.daemon.http.ApiException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** LXD's expansion: profiles in order (later wins per key / per device), then the local values; a local "none" device masks. */
public final class Expand {
    private Expand() {
    }

    public static Map<String, String> config(List<ProfileTable.Row> profiles, Map<String, String> local) {
        Map<String, String> out = new TreeMap<>();
        profiles.forEach(p -> out.putAll(p.config()));
        out.putAll(local);
        return out;
    }

    public static Map<String, Map<String, String>> devices(List<ProfileTable.Row> profiles, Map<String, Map<String, String>> local) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        profiles.forEach(p -> out.putAll(p.devices()));
        out.putAll(local);
        out.values().removeIf(d -> "none".equals(d.get("type")));
        return out;
    }

    /** Devices as users may write them today: each has a type; "disk" only as the root disk (path /), or "none". */
    public static void validateDevices(Map<String, Map<String, String>> devices) {
        if (devices == null) {
            return;
        }
        devices.forEach((name, d) -> {
            if (name.isEmpty() || name.contains("/") || name.length() > 64) {
                throw ApiException.badRequest("Invalid device name \"" + name + "\"");
            }
            if (d == null || d.get("type") == null || d.get("type").isEmpty()) {
                throw ApiException.badRequest("Device \"" + name + "\" has no type");
            }
            d.forEach((k, v) -> {
                if (v == null) {
                    throw ApiException.badRequest("Device \"" + name + "\": null value for \"" + k + "\"");
                }
            });
            String type = d.get("type");
            if (type.equals("disk")) {
                if (!"/".equals(d.get("path"))) {
                    throw ApiException.badRequest("Device \"" + name + "\": unsupported device type (only the root disk, path \"/\", for now)");
                }
                for (String k : d.keySet()) {
                    if (!List.of("type", "path", "pool").contains(k)) {
                        throw ApiException.badRequest("Device \"" + name + "\": unsupported root disk key \"" + k + "\"");
                    }
                }
                String pool = d.getOrDefault("pool", "default");
                if (!pool.equals("default")) {
                    throw ApiException.badRequest("Device \"" + name + "\": storage pool \"" + pool + "\" not found");
                }
            } else if (!type.equals("none")) {
                throw ApiException.badRequest("Device \"" + name + "\": unsupported device type \"" + type + "\"");
            }
        });
    }

    /** An instance needs exactly one root disk once profiles are applied. */
    public static void requireRoot(Map<String, Map<String, String>> expanded) {
        long roots = expanded.values().stream().filter(d -> "disk".equals(d.get("type")) && "/".equals(d.get("path"))).count();
        if (roots == 0) {
            throw ApiException.badRequest("No root device could be found (a disk device with path \"/\", e.g. from the default profile)");
        }
        if (roots > 1) {
            throw ApiException.badRequest("More than one root disk device");
        }
    }
}
