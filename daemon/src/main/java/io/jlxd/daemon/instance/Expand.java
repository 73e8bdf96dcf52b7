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

    /** Devices as users may write them: each has a type: "disk" (root disk or custom volume), "nic", "proxy" or "none". */
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
                validateDisk(name, d);
            } else if (type.equals(io.jlxd.daemon.nic.NicDevice.TYPE)) {
                io.jlxd.daemon.nic.NicDevice.parse(name, d);
            } else if (type.equals(io.jlxd.daemon.proxy.ProxyDevice.TYPE)) {
                io.jlxd.daemon.proxy.ProxyDevice.parse(name, d);
            } else if (!type.equals("none")) {
                throw ApiException.badRequest("Device \"" + name + "\": unsupported device type \"" + type + "\"");
            }
        });
    }

    /** Whether a storage pool exists (the daemon sets it once its pools are open). */
    public static volatile java.util.function.Predicate<String> poolExists = "default"::equals;

    private static final java.util.regex.Pattern VOLUME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,254}");

    /**
     * Disks: the root disk (path "/", keys pool) or a custom volume (keys pool, source, path, readonly); host paths
     * are not accepted as sources.
     */
    private static void validateDisk(String name, Map<String, String> d) {
        if (io.jlxd.daemon.storage.HostPathDisks.isHostPath(d)) {
            io.jlxd.daemon.storage.HostPathDisks.validate(name, d);
            return;
        }
        String path = d.getOrDefault("path", "");
        boolean root = path.equals("/");
        List<String> allowed = root ? List.of("type", "path", "pool", "size") : List.of("type", "path", "pool", "source", "readonly");
        if (root && d.get("size") != null && !d.get("size").isEmpty()) {
            try {
                io.jlxd.api.config.Sizes.parseBytes(d.get("size"));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("Device \"" + name + "\": invalid size \"" + d.get("size") + "\": " + e.getMessage());
            }
        }
        for (String k : d.keySet()) {
            if (!allowed.contains(k)) {
                throw ApiException.badRequest("Device \"" + name + "\": unsupported " + (root ? "root " : "") + "disk key \"" + k + "\"");
            }
        }
        String pool = d.getOrDefault("pool", root ? "default" : "");
        if (!root) {
            if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..") || path.contains("/./")
                    || path.chars().anyMatch(c -> Character.isWhitespace(c) || c < 32) || path.contains("//")) {
                throw ApiException.badRequest("Device \"" + name + "\": \"path\" must be an absolute path inside the container "
                        + "without \"..\" or white space");
            }
            if (pool.isEmpty() || d.get("source") == null) {
                throw ApiException.badRequest("Device \"" + name + "\": a disk other than the root needs \"pool\" and \"source\" "
                        + "(a custom volume) or an absolute host path as \"source\"");
            }
            if (!VOLUME.matcher(d.get("source")).matches() || d.get("source").contains("..")) {
                throw ApiException.badRequest("Device \"" + name + "\": invalid volume name \"" + d.get("source") + "\"");
            }
            String ro = d.getOrDefault("readonly", "false");
            if (!ro.matches("(?i)true|false|1|0|yes|no|on|off")) {
                throw ApiException.badRequest("Device \"" + name + "\": \"readonly\" is not a boolean");
            }
        }
        if (!poolExists.test(pool)) {
            throw ApiException.badRequest("Device \"" + name + "\": storage pool \"" + pool + "\" not found");
        }
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
