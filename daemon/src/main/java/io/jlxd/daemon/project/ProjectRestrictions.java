package io.jlxd.daemon.project;

import io.jlxd.api.config.ProjectConfigKeys;
import io.jlxd.daemon.db.ProjectTable;
import io.jlxd.daemon.http.ApiException;
import java.util.Map;

/**
 * LXD's {@code restricted.*} checks of an instance in a project with {@code restricted=true}, on its expanded
 * config and devices (profiles included), with LXD's defaults and messages.
 */
final class ProjectRestrictions {
    private ProjectRestrictions() {
    }

    static boolean restricted(ProjectTable.Row p) {
        return ProjectConfigKeys.isTrue(p.config().get(ProjectConfigKeys.RESTRICTED));
    }

    /** The value of a restriction key, LXD's default when unset. */
    static String value(ProjectTable.Row p, String key) {
        String v = p.config().get(key);
        if (v != null && !v.isEmpty()) {
            return v;
        }
        return ProjectConfigKeys.SCHEMA.find(key).orElseThrow().defaultValue();
    }

    static void check(ProjectTable.Row p, String instance, Projects.Expanded e) {
        if (!restricted(p)) {
            return;
        }
        for (Map.Entry<String, String> c : e.config().entrySet()) {
            String why = configProblem(p, c.getKey(), c.getValue());
            if (why != null) {
                throw ApiException.badRequest("Invalid value \"" + c.getValue() + "\" for config \"" + c.getKey() + "\" on instance \""
                        + instance + "\" of project \"" + p.name() + "\": " + why);
            }
        }
        for (Map.Entry<String, Map<String, String>> d : e.devices().entrySet()) {
            String why = deviceProblem(p, d.getValue());
            if (why != null) {
                throw ApiException.badRequest("Invalid device \"" + d.getKey() + "\" on instance \"" + instance + "\" of project \""
                        + p.name() + "\": " + why);
            }
        }
    }

    private static String configProblem(ProjectTable.Row p, String key, String v) {
        if (key.equals("security.privileged") && ProjectConfigKeys.isTrue(v)
                && !value(p, ProjectConfigKeys.PRIVILEGE).equals("allow")) {
            return "Privileged containers are forbidden";
        }
        if (key.equals("security.nesting") && ProjectConfigKeys.isTrue(v) && !value(p, ProjectConfigKeys.NESTING).equals("allow")) {
            return "Container nesting is forbidden";
        }
        if ((key.startsWith("raw.") || key.equals("boot.host_shutdown_timeout")) && !v.isEmpty()
                && !value(p, ProjectConfigKeys.LOWLEVEL).equals("allow")) {
            return "Container " + key + " is forbidden";
        }
        if (key.equals("snapshots.schedule") && !v.isEmpty() && !value(p, ProjectConfigKeys.SNAPSHOTS).equals("allow")) {
            return "Snapshots are forbidden";
        }
        return null;
    }

    private static String deviceProblem(ProjectTable.Row p, Map<String, String> d) {
        String type = d.getOrDefault("type", "");
        switch (type) {
            case "disk" -> {
                String mode = value(p, ProjectConfigKeys.DEVICES_DISK);
                if ("/".equals(d.get("path")) || mode.equals("allow")) {
                    return null;
                }
                if (mode.equals("block")) {
                    return "Disk devices are forbidden";
                }
                if (d.getOrDefault("pool", "").isEmpty()) {
                    return "Attaching disks not backed by a pool is forbidden";
                }
                return null;
            }
            case "nic" -> {
                String mode = value(p, ProjectConfigKeys.DEVICES_NIC);
                if (mode.equals("block")) {
                    return "Network devices are forbidden";
                }
                if (mode.equals("managed") && d.getOrDefault("network", "").isEmpty()) {
                    return "Only managed network devices are allowed";
                }
                return null;
            }
            case "proxy" -> {
                return value(p, ProjectConfigKeys.DEVICES_PROXY).equals("allow") ? null : "Proxy devices are forbidden";
            }
            default -> {
                return null;
            }
        }
    }

    static void checkSnapshot(ProjectTable.Row p) {
        if (restricted(p) && !value(p, ProjectConfigKeys.SNAPSHOTS).equals("allow")) {
            throw ApiException.forbidden("Snapshots are forbidden in project \"" + p.name() + "\"");
        }
    }
}
