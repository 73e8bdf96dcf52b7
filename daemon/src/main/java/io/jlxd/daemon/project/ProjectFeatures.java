package io.jlxd.daemon.project;

import io.jlxd.api.config.ProjectConfigKeys;
import io.jlxd.api.project.ProjectNames;
import io.jlxd.daemon.db.ProjectTable;
import io.jlxd.daemon.http.ApiException;

/**
 * LXD's {@code features.*} of projects: a project with a feature on has its own objects of that kind (images,
 * profiles, custom volumes), a project with it off uses default's. A project's own object is stored under the key
 * {@code <project>_<name>} (see {@link ProjectKeys}), default's under its name, so the host-wide names (rows, volume
 * directories) never collide. A stored key {@code q_x} is project q's exactly when project q exists with the feature
 * on; default's names are kept from reading that way ({@link #checkDefaultName}, and a project cannot turn a feature
 * on while default holds such a name).
 */
public final class ProjectFeatures {
    /** The three features and their config keys. */
    public enum Feature {
        IMAGES(ProjectConfigKeys.FEATURES_IMAGES, "images"),
        PROFILES(ProjectConfigKeys.FEATURES_PROFILES, "profiles"),
        VOLUMES(ProjectConfigKeys.FEATURES_VOLUMES, "storage volumes");

        public final String key;
        final String what;

        Feature(String key, String what) {
            this.key = key;
            this.what = what;
        }

        /** The feature of a route template, or null when the route is not of a featured kind. */
        public static Feature ofRoute(String template) {
            if (template.startsWith("/1.0/images")) {
                return IMAGES;
            }
            if (template.startsWith("/1.0/profiles")) {
                return PROFILES;
            }
            if (template.startsWith("/1.0/storage-pools/{pool}/volumes")) {
                return VOLUMES;
            }
            return null;
        }
    }

    private final ProjectTable table;

    public ProjectFeatures(ProjectTable table) {
        this.table = table;
    }

    /** Whether the project has its own objects of that kind (always in default; false for a missing project). */
    public boolean on(String project, Feature f) {
        if (project == null || project.isEmpty() || project.equals(ProjectNames.DEFAULT)) {
            return true;
        }
        return table.get(project).map(r -> ProjectConfigKeys.isTrue(r.config().getOrDefault(f.key, "false"))).orElse(false);
    }

    /** The project whose objects of that kind {@code project} uses: itself with the feature on, else default. */
    public String owner(String project, Feature f) {
        return on(project, f) ? project : ProjectNames.DEFAULT;
    }

    /** The stored key of the object {@code name} as seen from {@code project}. */
    public String key(String project, Feature f, String name) {
        return ProjectKeys.key(owner(project, f), name);
    }

    /** The project owning a stored key of that kind. */
    public String ownerOfKey(String key, Feature f) {
        int at = key.indexOf('_');
        if (at <= 0) {
            return ProjectNames.DEFAULT;
        }
        String prefix = key.substring(0, at);
        return !prefix.equals(ProjectNames.DEFAULT) && on(prefix, f) ? prefix : ProjectNames.DEFAULT;
    }

    /** The name of a stored key in its owner's namespace. */
    public String nameOfKey(String key, Feature f) {
        String owner = ownerOfKey(key, f);
        return owner.equals(ProjectNames.DEFAULT) ? key : key.substring(owner.length() + 1);
    }

    /** Whether a stored key of that kind belongs to project {@code owner}. */
    public boolean ownedBy(String key, Feature f, String owner) {
        return ownerOfKey(key, f).equals(owner);
    }

    /**
     * A new name of default's (as stored, unprefixed) must not read as the key of a project with the feature on:
     * {@code q_x} while project q has its own objects of that kind.
     */
    public void checkDefaultName(String name, Feature f) {
        int at = name.indexOf('_');
        if (at > 0 && !ownerOfKey(name, f).equals(ProjectNames.DEFAULT)) {
            throw ApiException.badRequest("The name \"" + name + "\" is reserved: \"" + name.substring(0, at) + "_\" prefixes the "
                    + f.what + " of project \"" + name.substring(0, at) + "\"");
        }
    }

    /** The query LXD appends to URLs of objects owned by {@code owner}. */
    public static String query(String owner) {
        return ProjectKeys.query(owner);
    }
}
