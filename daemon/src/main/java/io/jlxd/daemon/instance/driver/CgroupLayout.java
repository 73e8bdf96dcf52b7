package io.jlxd.daemon.instance.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each cgroup controller lives on this host: on a cgroup v1 hierarchy, on the cgroup2 (unified)
 * hierarchy, or nowhere. This decides which LXC keys limit a container:
 * {@code lxc.cgroup.<v1 file>} for a v1 controller, {@code lxc.cgroup2.<v2 file>} for a v2 one. On a hybrid host
 * liblxc 5.0.2 silently ignores {@code lxc.cgroup2.*} limits ("Ignoring cgroup2 limits on legacy cgroup system",
 * a WARN in lxc.log), so choosing the right key matters.
 *
 * <p>liblxc (as root, {@code lxc.cgroup.relative = 0}) puts a container in {@code lxc.payload.NAME} and its monitor
 * in {@code lxc.monitor.NAME} directly under the root of every hierarchy (measured here: memory, pids, cpu, ...
 * v1 and the unified one), whatever the cgroup of the caller.
 *
 * @param v1     v1 controller (or {@code name=...} hierarchy) to mount point
 * @param v2Root mount point of the cgroup2 hierarchy, or {@code null}
 * @param v2     controllers available in the cgroup2 root ({@code cgroup.controllers})
 */
public record CgroupLayout(Map<String, Path> v1, Path v2Root, Set<String> v2) {
    /** Where a controller lives. */
    public enum Hierarchy { V1, V2, NONE }

    private static final Set<String> NON_CONTROLLER_OPTIONS = Set.of("rw", "ro", "clone_children", "noprefix", "xattr",
            "cpuset_v2_mode", "nsdelegate", "memory_recursiveprot", "memory_localevents", "favordynmods", "memory_hugetlb_accounting");

    public CgroupLayout {
        v1 = Collections.unmodifiableMap(new LinkedHashMap<>(v1));
        v2 = Set.copyOf(v2);
    }

    /** The layout of the calling process's cgroup mounts. */
    public static CgroupLayout detect() throws IOException {
        List<String> mountinfo = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        return parse(mountinfo, root -> {
            try {
                return Files.readString(root.resolve("cgroup.controllers"));
            } catch (IOException e) {
                return "";
            }
        });
    }

    /** Reads the controllers of a cgroup2 root directory. */
    public interface ControllersReader {
        String read(Path cgroup2Root);
    }

    /** Parses {@code /proc/self/mountinfo} lines; only hierarchies mounted at their root ("/") count. */
    public static CgroupLayout parse(List<String> mountinfo, ControllersReader controllers) {
        Map<String, Path> v1 = new LinkedHashMap<>();
        Path v2Root = null;
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] pre = line.substring(0, dash).split(" ");
            String[] post = line.substring(dash + 3).split(" ");
            if (pre.length < 5 || post.length < 3 || !pre[3].equals("/")) {
                continue;
            }
            Path mountPoint = Path.of(unescape(pre[4]));
            switch (post[0]) {
                case "cgroup" -> {
                    for (String option : post[2].split(",")) {
                        if (option.startsWith("name=") || (!option.contains("=") && !NON_CONTROLLER_OPTIONS.contains(option))) {
                            v1.putIfAbsent(option, mountPoint);
                        }
                    }
                }
                case "cgroup2" -> {
                    if (v2Root == null) {
                        v2Root = mountPoint;
                    }
                }
                default -> {
                }
            }
        }
        Set<String> v2 = new LinkedHashSet<>();
        if (v2Root != null) {
            String text = controllers.read(v2Root).strip();
            if (!text.isEmpty()) {
                v2.addAll(Arrays.asList(text.split("\\s+")));
            }
            v2.removeAll(v1.keySet());
        }
        return new CgroupLayout(v1, v2Root, v2);
    }

    /** Where {@code controller} (memory, pids, cpu, cpuset, devices, freezer, ...) lives. */
    public Hierarchy of(String controller) {
        if (v1.containsKey(controller)) {
            return Hierarchy.V1;
        }
        if (v2.contains(controller)) {
            return Hierarchy.V2;
        }
        // cgroup2 has no "devices" or "freezer" controller files: liblxc uses BPF and cgroup.freeze instead
        if (v2Root != null && (controller.equals("devices") || controller.equals("freezer"))) {
            return Hierarchy.V2;
        }
        return Hierarchy.NONE;
    }

    /**
     * Every controller and the hierarchy it is on ("v1" or "v2"), sorted: {@code GET /1.0}'s
     * {@code environment.cgroup_controllers}. Named v1 hierarchies ({@code name=systemd}) are not controllers.
     */
    public Map<String, String> controllers() {
        Map<String, String> out = new java.util.TreeMap<>();
        v1.keySet().stream().filter(c -> !c.startsWith("name=")).forEach(c -> out.put(c, "v1"));
        v2.forEach(c -> out.putIfAbsent(c, "v2"));
        return out;
    }

    /** A cgroup2-only host (no v1 hierarchy). */
    public boolean unifiedOnly() {
        return v1.isEmpty() && v2Root != null;
    }

    /** Mount points of every hierarchy, v1 and v2, without duplicates (co-mounted controllers share one). */
    public List<Path> mountPoints() {
        List<Path> all = new ArrayList<>(new LinkedHashSet<>(v1.values()));
        if (v2Root != null) {
            all.add(v2Root);
        }
        return all;
    }

    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
