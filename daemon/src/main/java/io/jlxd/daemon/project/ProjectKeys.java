package io.jlxd.daemon.project;

import io.jlxd.api.project.ProjectNames;

/**
 * The host-wide key of a project's object: its name in {@code default} (so existing installations keep their
 * names), {@code <project>_<name>} in any other project, LXD's on-disk name. The key names the database row, the
 * liblxc container, its directory, cgroup and volume. Instance names never contain {@code _} and project names may
 * not, so the split is unambiguous.
 */
public final class ProjectKeys {
    private ProjectKeys() {
    }

    public static String key(String project, String name) {
        return project == null || project.isEmpty() || project.equals(ProjectNames.DEFAULT) ? name : project + "_" + name;
    }

    /** Where the project part ends: the first "_" before any "/" (snapshot names may contain "_"), or -1. */
    private static int split(String key) {
        int slash = key.indexOf('/');
        int at = key.indexOf('_');
        return slash >= 0 && at > slash ? -1 : at;
    }

    public static String project(String key) {
        int at = split(key);
        return at < 0 ? ProjectNames.DEFAULT : key.substring(0, at);
    }

    public static String name(String key) {
        int at = split(key);
        return at < 0 ? key : key.substring(at + 1);
    }

    /** The query string LXD appends to URLs of a non-default project's objects ("" in default). */
    public static String query(String project) {
        return project == null || project.isEmpty() || project.equals(ProjectNames.DEFAULT) ? "" : "?project=" + project;
    }

    /** The URL of an instance by key: {@code /1.0/instances/c1?project=p} as LXD gives it. */
    public static String instanceUrl(String key) {
        return "/1.0/instances/" + name(key) + query(project(key));
    }

    /** A URL below an instance: {@code /1.0/instances/c1/logs/x?project=p}. */
    public static String instanceUrl(String key, String suffix) {
        return "/1.0/instances/" + name(key) + suffix + query(project(key));
    }

    /**
     * The project of a resource URL: its {@code project} query parameter, else {@code default} for project-scoped
     * paths (instances, images, profiles, storage volumes), else "" (server-wide).
     */
    public static String ofUrl(String url) {
        int q = url.indexOf('?');
        if (q >= 0) {
            for (String part : url.substring(q + 1).split("&")) {
                if (part.startsWith("project=")) {
                    return java.net.URLDecoder.decode(part.substring(8), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        String path = q >= 0 ? url.substring(0, q) : url;
        if (path.startsWith("/1.0/instances") || path.startsWith("/1.0/containers") || path.startsWith("/1.0/images")
                || path.startsWith("/1.0/profiles") || path.matches("/1.0/storage-pools/[^/]+/volumes.*")) {
            return ProjectNames.DEFAULT;
        }
        return "";
    }
}
