package io.jlxd.daemon.storage;

import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Disk devices whose {@code source} is a host path ({@code type: disk}, {@code source: /host/dir} or a file,
 * {@code path}, {@code readonly}, {@code propagation}, {@code recursive}, {@code required}), bind-mounted into the
 * container by liblxc when it starts, as LXD does. They reach the host's file system, so only fully trusted clients
 * may add them ({@link #allowed}). Without {@code shift} an unprivileged container sees the host's files as
 * nobody/nogroup unless they belong to its id range; {@code shift: true} makes an idmapped mount to the container's
 * user namespace after it starts, so it sees the host's owners. A device added to or removed from a running
 * container is mounted or unmounted at once ({@link HostPathMounts}).
 */
public final class HostPathDisks {
    static final List<String> KEYS = List.of("type", "source", "path", "readonly", "propagation", "recursive", "required", "shift");
    static final List<String> PROPAGATION = List.of("private", "shared", "slave", "unbindable", "rprivate", "rshared",
            "rslave", "runbindable");
    private static final String BOOL = "(?i)true|false|1|0|yes|no|on|off";

    private HostPathDisks() {
    }

    /** A disk whose source is an absolute host path (no pool). */
    public static boolean isHostPath(Map<String, String> d) {
        String pool = d.get("pool");
        String source = d.get("source");
        return "disk".equals(d.get("type")) && source != null && source.startsWith("/") && (pool == null || pool.isEmpty())
                && !"/".equals(d.get("path"));
    }

    /**
     * Whether {@code caller} may give host-path disks: fully trusted clients only (a certificate restricted to projects
     * may not, whatever its projects' restricted.devices.disk says).
     */
    public static boolean allowed(ApiRequest.Caller caller) {
        return caller.fullyTrusted();
    }

    /** 403 when {@code devices} hold a host-path disk and the caller may not give one. */
    public static void checkAccess(ApiRequest.Caller caller, Map<String, Map<String, String>> devices) {
        if (devices == null || allowed(caller)) {
            return;
        }
        boolean defaultsVolumes = caller.mayUseProject(ApiRequest.DEFAULT_PROJECT);
        for (Map.Entry<String, Map<String, String>> e : devices.entrySet()) {
            Map<String, String> d = e.getValue();
            if (d != null && isHostPath(d)) {
                throw ApiException.forbidden("Device \"" + e.getKey() + "\": host-path disks need a fully trusted client");
            }
            // custom volumes are the default project's (features.storage.volumes is off elsewhere): a client confined
            // to other projects attaches none of them
            if (d != null && !defaultsVolumes && "disk".equals(d.get("type")) && !d.getOrDefault("source", "").isEmpty()) {
                throw ApiException.forbidden("Device \"" + e.getKey() + "\": custom volumes belong to the default project,"
                        + " which this certificate may not use");
            }
        }
    }

    /** 400 for a malformed host-path disk. */
    public static void validate(String name, Map<String, String> d) {
        for (String k : d.keySet()) {
            if (!KEYS.contains(k)) {
                throw ApiException.badRequest("Device \"" + name + "\": unsupported host-path disk key \"" + k + "\"");
            }
        }
        String source = d.get("source");
        if (!cleanAbsolute(source)) {
            throw ApiException.badRequest("Device \"" + name + "\": \"source\" must be an absolute host path without \"..\" or white space");
        }
        String path = d.getOrDefault("path", "");
        if (!cleanAbsolute(path) || path.equals("/")) {
            throw ApiException.badRequest("Device \"" + name + "\": \"path\" must be an absolute path inside the container "
                    + "without \"..\" or white space (not /)");
        }
        for (String k : List.of("readonly", "recursive", "required", "shift")) {
            if (d.containsKey(k) && !d.get(k).matches(BOOL)) {
                throw ApiException.badRequest("Device \"" + name + "\": \"" + k + "\" is not a boolean");
            }
        }
        String propagation = d.get("propagation");
        if (propagation != null && !propagation.isEmpty() && !PROPAGATION.contains(propagation)) {
            throw ApiException.badRequest("Device \"" + name + "\": invalid \"propagation\" \"" + propagation + "\" ("
                    + String.join(", ", PROPAGATION) + ")");
        }
    }

    /**
     * The {@code lxc.mount.entry} lines of the host-path disks, in device-name order. A missing source fails the
     * start (400) unless {@code required=false}, which skips the device, as LXD does.
     */
    public static List<String> mountEntries(Map<String, Map<String, String>> devices) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : new TreeMap<>(devices).entrySet()) {
            Map<String, String> d = e.getValue();
            if (!isHostPath(d) || isTrue(d.get("shift"))) {
                continue; // shifted disks are idmapped mounts made after start (HostPathMounts)
            }
            Path source = Path.of(d.get("source"));
            if (!Files.exists(source)) {
                if (d.containsKey("required") && !isTrue(d.get("required"))) {
                    continue;
                }
                throw ApiException.badRequest("Device \"" + e.getKey() + "\": source \"" + source + "\" does not exist on the host");
            }
            boolean dir = Files.isDirectory(source);
            StringBuilder opts = new StringBuilder(isTrue(d.get("recursive")) ? "rbind" : "bind");
            opts.append(dir ? ",create=dir" : ",create=file");
            if (isTrue(d.get("readonly"))) {
                opts.append(",ro");
            }
            String propagation = d.get("propagation");
            if (propagation != null && !propagation.isEmpty()) {
                opts.append(',').append(propagation);
            }
            out.add("lxc.mount.entry = " + source + " " + d.get("path").substring(1) + " none "
                    + opts + " 0 0");
        }
        return out;
    }

    static boolean isTrue(String v) {
        return v != null && v.matches("(?i)true|1|yes|on");
    }

    private static boolean cleanAbsolute(String p) {
        return p != null && p.startsWith("/") && !p.contains("/../") && !p.endsWith("/..") && !p.contains("/./")
                && !p.endsWith("/.") && !p.contains("//") && p.chars().noneMatch(c -> Character.isWhitespace(c) || c < 32)
                && !p.contains("\\");
    }

}
