package io.jlxd.daemon.host;

import io.jlxd.daemon.lxc.LibLxc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code kernel_features} and {@code lxc_features} maps of {@code GET /1.0}, under LXD's keys, with "true" or
 * "false" values as LXD gives them. liblxc's features are asked from liblxc itself ({@code lxc_has_api_extension});
 * the kernel's are derived from its version (the release that added each feature) and {@code /proc/filesystems}.
 */
public final class HostFeatures {
    /** liblxc features LXD reports. */
    static final List<String> LXC_FEATURES = List.of("cgroup2", "core_scheduling", "devpts_fd", "idmapped_mounts_v2",
            "mount_injection_file", "network_gateway_device_route", "network_ipvlan", "network_l2proxy",
            "network_phys_macvlan_mtu", "network_veth_router", "pidfd", "seccomp_allow_deny_syntax", "seccomp_notify",
            "seccomp_proxy_send_notify_fd");

    private HostFeatures() {
    }

    public static Map<String, String> lxc() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String f : LXC_FEATURES) {
            out.put(f, Boolean.toString(LibLxc.hasApiExtension(f)));
        }
        return out;
    }

    /** Kernel features by the release that introduced them; {@code release} is {@code uname -r}. */
    public static Map<String, String> kernel(String release) {
        int[] v = version(release);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("idmapped_mounts", Boolean.toString(atLeast(v, 5, 12)));
        out.put("netnsid_getifaddrs", Boolean.toString(atLeast(v, 4, 20)));
        out.put("seccomp_listener", Boolean.toString(atLeast(v, 5, 0)));
        out.put("seccomp_listener_continue", Boolean.toString(atLeast(v, 5, 5)));
        out.put("shiftfs", Boolean.toString(hasFilesystem("shiftfs")));
        out.put("uevent_injection", Boolean.toString(atLeast(v, 4, 16)));
        out.put("unpriv_fscaps", Boolean.toString(atLeast(v, 4, 14)));
        return out;
    }

    static int[] version(String release) {
        String[] parts = release.split("[.-]");
        try {
            return new int[] {Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0};
        } catch (NumberFormatException e) {
            return new int[] {0, 0};
        }
    }

    static boolean atLeast(int[] v, int major, int minor) {
        return v[0] > major || (v[0] == major && v[1] >= minor);
    }

    private static boolean hasFilesystem(String name) {
        try {
            return Files.readAllLines(Path.of("/proc/filesystems")).stream()
                    .anyMatch(l -> l.trim().endsWith("\t" + name) || l.trim().equals(name) || l.endsWith(" " + name));
        } catch (IOException e) {
            return false;
        }
    }
}
