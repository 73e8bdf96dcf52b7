package io.jlxd.daemon.project;

import io.jlxd.api.config.ProjectConfigKeys;
import io.jlxd.api.config.Sizes;
import io.jlxd.api.project.ProjectState;
import io.jlxd.daemon.db.ProjectTable;
import io.jlxd.daemon.http.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * LXD's project limits: {@code limits.instances} and {@code limits.containers} count instances;
 * {@code limits.memory}, {@code limits.processes} and {@code limits.disk} sum the matching limit of every instance,
 * which each instance must then set (directly or by a profile), with LXD's messages.
 */
final class ProjectLimits {
    /** Aggregate project key → what each instance must set (config key, or "root size"). */
    private static final List<String> AGGREGATES = List.of(ProjectConfigKeys.LIMITS_MEMORY, ProjectConfigKeys.LIMITS_PROCESSES,
            ProjectConfigKeys.LIMITS_CPU, ProjectConfigKeys.LIMITS_DISK);

    private ProjectLimits() {
    }

    /**
     * Checks all instances of the project ({@code all}, key → expanded; {@code changed} the instance being created
     * or changed, or null when the project's config changes).
     */
    static void check(ProjectTable.Row p, Map<String, Projects.Expanded> all, String changed) {
        check(p, all, changed, Map.of());
    }

    /**
     * {@link #check(ProjectTable.Row, Map, String)} with the project's custom volumes (name → {@code size}, "" when
     * unset), which {@code limits.disk} counts too, as in LXD.
     */
    static void check(ProjectTable.Row p, Map<String, Projects.Expanded> all, String changed, Map<String, String> volumes) {
        Long maxInstances = count(p, ProjectConfigKeys.LIMITS_INSTANCES);
        if (maxInstances != null && all.size() > maxInstances) {
            throw ApiException.badRequest(changed == null
                    ? "\"limits.instances\" is too low: there are currently " + all.size() + " total instances"
                    : "Reached maximum number of instances in project \"" + p.name() + "\"");
        }
        Long maxContainers = count(p, ProjectConfigKeys.LIMITS_CONTAINERS);
        if (maxContainers != null && all.size() > maxContainers) {
            throw ApiException.badRequest(changed == null
                    ? "\"limits.containers\" is too low: there are currently " + all.size() + " total containers"
                    : "Reached maximum number of instances of type \"container\" in project \"" + p.name() + "\"");
        }
        for (String key : AGGREGATES) {
            String limit = p.config().get(key);
            if (limit == null || limit.isEmpty()) {
                continue;
            }
            long max = key.equals(ProjectConfigKeys.LIMITS_PROCESSES) || key.equals(ProjectConfigKeys.LIMITS_CPU)
                    ? Long.parseLong(limit) : Sizes.parseBytes(limit);
            long sum = 0;
            for (Map.Entry<String, Projects.Expanded> e : all.entrySet()) {
                sum += value(p, key, ProjectKeys.name(e.getKey()), e.getValue());
            }
            if (key.equals(ProjectConfigKeys.LIMITS_DISK)) {
                for (Map.Entry<String, String> v : volumes.entrySet()) {
                    if (v.getValue() == null || v.getValue().isEmpty()) {
                        throw ApiException.badRequest("Custom volume \"" + v.getKey() + "\" in project \"" + p.name()
                                + "\" has no \"size\" config set");
                    }
                    sum += Sizes.parseBytes(v.getValue());
                }
            }
            if (sum > max) {
                throw ApiException.badRequest("Reached maximum aggregate value \"" + limit + "\" for \"" + key + "\" in project \""
                        + p.name() + "\"");
            }
        }
    }

    private static Long count(ProjectTable.Row p, String key) {
        String v = p.config().get(key);
        return v == null || v.isEmpty() ? null : Long.parseLong(v);
    }

    /** The instance's part of an aggregate limit; throws when it does not set it. */
    private static long value(ProjectTable.Row p, String key, String instance, Projects.Expanded e) {
        if (key.equals(ProjectConfigKeys.LIMITS_DISK)) {
            String size = rootSize(e);
            if (size == null) {
                throw ApiException.badRequest("Instance \"" + instance + "\" in project \"" + p.name()
                        + "\" has no \"size\" config set on the root device either directly or via a profile");
            }
            return Sizes.parseBytes(size);
        }
        String v = e.config().get(key);
        if (v == null || v.isEmpty()) {
            throw ApiException.badRequest("Instance \"" + instance + "\" in project \"" + p.name() + "\" has no \"" + key
                    + "\" config, either directly or via a profile");
        }
        if (key.equals(ProjectConfigKeys.LIMITS_PROCESSES)) {
            return Long.parseLong(v);
        }
        if (key.equals(ProjectConfigKeys.LIMITS_CPU)) {
            return cpus(v);
        }
        long bytes = Sizes.parseMemory(v);
        if (bytes < 0) {
            throw ApiException.badRequest("Instance \"" + instance + "\" in project \"" + p.name()
                    + "\": \"limits.memory\" must be a size, not a percentage, in a project with \"limits.memory\"");
        }
        return bytes;
    }

    /** CPUs of a {@code limits.cpu} value: a count, or the size of a set such as {@code 0-1,3}. */
    static long cpus(String v) {
        if (v.matches("\\d+")) {
            return Long.parseLong(v);
        }
        long n = 0;
        for (String part : v.split(",")) {
            String[] r = part.trim().split("-");
            n += r.length == 2 ? Long.parseLong(r[1].trim()) - Long.parseLong(r[0].trim()) + 1 : 1;
        }
        return n;
    }

    private static String rootSize(Projects.Expanded e) {
        for (Map<String, String> d : e.devices().values()) {
            if ("disk".equals(d.get("type")) && "/".equals(d.get("path"))) {
                String s = d.get("size");
                return s == null || s.isEmpty() ? null : s;
            }
        }
        return null;
    }

    /** LXD's {@code /state}: every resource, limit -1 when unset; aggregates summed over instances that set them. */
    static ProjectState state(ProjectTable.Row p, Map<String, Projects.Expanded> all) {
        return state(p, all, Map.of());
    }

    static ProjectState state(ProjectTable.Row p, Map<String, Projects.Expanded> all, Map<String, String> volumes) {
        Map<String, ProjectState.Resource> r = new TreeMap<>();
        long n = all.size();
        r.put("containers", new ProjectState.Resource(limit(p, ProjectConfigKeys.LIMITS_CONTAINERS, false), n));
        r.put("instances", new ProjectState.Resource(limit(p, ProjectConfigKeys.LIMITS_INSTANCES, false), n));
        r.put("virtual-machines", new ProjectState.Resource(limit(p, ProjectConfigKeys.LIMITS_VMS, false), 0));
        r.put("networks", new ProjectState.Resource(-1, 0));
        long cpu = 0;
        long mem = 0;
        long procs = 0;
        long disk = 0;
        for (Projects.Expanded e : all.values()) {
            String m = e.config().get("limits.memory");
            if (m != null && !m.isEmpty()) {
                long b = Sizes.parseMemory(m);
                mem += Math.max(b, 0);
            }
            String c = e.config().get("limits.cpu");
            if (c != null && !c.isEmpty()) {
                cpu += cpus(c);
            }
            String pr = e.config().get("limits.processes");
            if (pr != null && !pr.isEmpty()) {
                procs += Long.parseLong(pr);
            }
            String s = rootSize(e);
            if (s != null) {
                disk += Sizes.parseBytes(s);
            }
        }
        for (String v : volumes.values()) {
            if (v != null && !v.isEmpty()) {
                disk += Sizes.parseBytes(v);
            }
        }
        r.put("cpu", new ProjectState.Resource(limit(p, ProjectConfigKeys.LIMITS_CPU, false), cpu));
        r.put("memory", new ProjectState.Resource(limit(p, ProjectConfigKeys.LIMITS_MEMORY, true), mem));
        r.put("processes", new ProjectState.Resource(limit(p, ProjectConfigKeys.LIMITS_PROCESSES, false), procs));
        r.put("disk", new ProjectState.Resource(limit(p, ProjectConfigKeys.LIMITS_DISK, true), disk));
        return new ProjectState(new LinkedHashMap<>(r));
    }

    private static long limit(ProjectTable.Row p, String key, boolean bytes) {
        String v = p.config().get(key);
        if (v == null || v.isEmpty()) {
            return -1;
        }
        return bytes ? Sizes.parseBytes(v) : Long.parseLong(v);
    }
}
