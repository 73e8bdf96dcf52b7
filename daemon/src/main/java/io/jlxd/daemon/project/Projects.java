package io.jlxd.daemon.project;

import io.jlxd.api.config.ProjectConfigKeys;
import io.jlxd.api.project.Project;
import io.jlxd.api.project.ProjectNames;
import io.jlxd.daemon.db.ProjectTable;
import io.jlxd.daemon.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * LXD's projects: the stored rows, what is in each, and the checks an instance must pass in its project
 * ({@link ProjectLimits}, {@link ProjectRestrictions}). Instances are always separate per project; images, profiles and
 * custom volumes are when the project's feature is on ({@link ProjectFeatures}), else it uses default's.
 */
public final class Projects {
    /** default's features, as LXD shows them (it owns the images, profiles and volumes). */
    static final Map<String, String> DEFAULT_CONFIG = Map.of(ProjectConfigKeys.FEATURES_IMAGES, "true",
            ProjectConfigKeys.FEATURES_PROFILES, "true", ProjectConfigKeys.FEATURES_VOLUMES, "true");

    private final ProjectTable table;
    private final InstanceCatalog instances;
    private final ProjectFeatures features;
    private volatile ProjectObjects objects;
    /** Held while an instance is checked against its project's limits and stored, so two creations cannot both pass. */
    private final Object admission = new Object();

    /** The instances the projects hold, by key (see {@link ProjectKeys}). */
    public interface InstanceCatalog {
        List<String> keys();

        /** The expanded config and devices of an instance, empty when it is gone. */
        Optional<Expanded> expanded(String key);
    }

    /** An instance's config and devices with its profiles applied. */
    public record Expanded(Map<String, String> config, Map<String, Map<String, String>> devices) {
    }

    public Projects(ProjectTable table, InstanceCatalog instances) {
        this.table = table;
        this.instances = instances;
        this.features = new ProjectFeatures(table);
    }

    /** What the projects own through their features (set once at start, before requests). */
    public void objects(ProjectObjects value) {
        objects = value;
    }

    public ProjectFeatures features() {
        return features;
    }

    public boolean exists(String name) {
        return table.get(name).isPresent();
    }

    public List<String> names() {
        return table.all().stream().map(ProjectTable.Row::name).toList();
    }

    public ProjectTable.Row row(String name) {
        return table.get(name).orElseThrow(() -> ApiException.notFound("Project not found"));
    }

    /** The config as shown: default's features are on. */
    public Map<String, String> config(ProjectTable.Row r) {
        if (!r.name().equals(ProjectNames.DEFAULT)) {
            return r.config();
        }
        Map<String, String> c = new TreeMap<>(DEFAULT_CONFIG);
        c.putAll(r.config());
        return c;
    }

    public Project view(ProjectTable.Row r) {
        return new Project(r.name(), r.description(), config(r), usedBy(r.name()));
    }

    /** The instance keys of a project. */
    public List<String> instanceKeys(String project) {
        return instances.keys().stream().filter(k -> ProjectKeys.project(k).equals(project)).toList();
    }

    public List<String> usedBy(String project) {
        List<String> out = new ArrayList<>();
        for (String k : instanceKeys(project)) {
            out.add(ProjectKeys.instanceUrl(k));
        }
        if (objects != null) {
            out.addAll(objects.urls(project));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ changes

    public ProjectTable.Row create(String name, String description, Map<String, String> config) {
        check(name);
        Map<String, String> c = new TreeMap<>(config == null ? Map.of() : config);
        validate(name, c);
        // LXD fills the features a new project's request leaves out: on
        for (String f : ProjectConfigKeys.FEATURES) {
            if (!c.containsKey(f) || c.get(f).isEmpty()) {
                c.put(f, "true");
            }
        }
        ProjectTable.Row row = new ProjectTable.Row(name, description == null ? "" : description, c);
        synchronized (admission) {
            checkClashes(name, c);
            if (!table.create(row)) {
                throw ApiException.conflict("Project \"" + name + "\" already exists");
            }
            if (objects != null && ProjectConfigKeys.isTrue(c.get(ProjectConfigKeys.FEATURES_PROFILES))) {
                try {
                    objects.createDefaultProfile(name);
                } catch (RuntimeException e) {
                    table.delete(name);
                    throw e;
                }
            }
        }
        return row;
    }

    /** Replaces description and config; the new config must hold for every instance already in the project. */
    public void update(ProjectTable.Row cur, String description, Map<String, String> config) {
        Map<String, String> c = new TreeMap<>(config);
        c.values().removeIf(String::isEmpty);
        validate(cur.name(), c);
        ProjectTable.Row next = new ProjectTable.Row(cur.name(), description, c);
        synchronized (admission) {
            boolean profilesWere = featureOn(cur.config(), ProjectConfigKeys.FEATURES_PROFILES);
            boolean profilesNow = featureOn(c, ProjectConfigKeys.FEATURES_PROFILES);
            boolean changed = ProjectConfigKeys.FEATURES.stream().anyMatch(f -> featureOn(cur.config(), f) != featureOn(c, f));
            if (changed && !cur.name().equals(ProjectNames.DEFAULT)) {
                // LXD: features change only on an empty project (its own default profile aside)
                if (!instanceKeys(cur.name()).isEmpty() || objects != null && !objects.contents(cur.name()).isEmpty()) {
                    throw ApiException.badRequest("Features can only be changed on empty projects");
                }
                checkClashes(cur.name(), c);
            }
            // the instances already there must satisfy the new limits and restrictions (LXD's rule)
            Map<String, Expanded> all = expandedAll(cur.name());
            all.forEach((k, e) -> ProjectRestrictions.check(next, ProjectKeys.name(k), e));
            ProjectLimits.check(next, all, null, volumeSizes(cur.name()));
            if (objects != null && profilesNow && !profilesWere) {
                objects.createDefaultProfile(cur.name());
            }
            try {
                table.update(next);
            } catch (RuntimeException e) {
                if (objects != null && profilesNow && !profilesWere) {
                    objects.deleteDefaultProfile(cur.name());
                }
                throw e;
            }
            if (objects != null && !profilesNow && profilesWere) {
                objects.deleteDefaultProfile(cur.name());
            }
        }
    }

    private static boolean featureOn(Map<String, String> config, String f) {
        return ProjectConfigKeys.isTrue(config.getOrDefault(f, "false"));
    }

    /** A feature may not go on while default holds names that would read as the project's keys. */
    private void checkClashes(String project, Map<String, String> config) {
        if (objects == null) {
            return;
        }
        for (ProjectFeatures.Feature f : ProjectFeatures.Feature.values()) {
            if (featureOn(config, f.key)) {
                List<String> clash = objects.clashes(project, f);
                if (!clash.isEmpty()) {
                    throw ApiException.conflict("The default project holds " + f.what + " named " + clash
                            + ", which would read as project \"" + project + "\"'s own: rename them first");
                }
            }
        }
    }

    /** The checks of a rename, before its operation starts. */
    public void checkRename(String from, String to) {
        if (from.equals(ProjectNames.DEFAULT)) {
            throw ApiException.forbidden("The 'default' project cannot be renamed");
        }
        check(to);
        row(from);
        if (exists(to)) {
            throw ApiException.conflict("Project \"" + to + "\" already exists");
        }
        if (!instanceKeys(from).isEmpty() || objects != null && !objects.contents(from).isEmpty()) {
            throw ApiException.badRequest("Only empty projects can be renamed");
        }
    }

    public void rename(String from, String to) {
        checkRename(from, to);
        synchronized (admission) {
            if (!instanceKeys(from).isEmpty() || objects != null && !objects.contents(from).isEmpty()) {
                throw ApiException.badRequest("Only empty projects can be renamed");
            }
            checkClashes(to, row(from).config());
            if (!table.rename(from, to)) {
                throw ApiException.conflict("Project \"" + to + "\" already exists");
            }
            if (objects != null) {
                objects.rename(from, to);
            }
        }
    }

    public void delete(String name) {
        if (name.equals(ProjectNames.DEFAULT)) {
            throw ApiException.forbidden("The 'default' project cannot be deleted");
        }
        row(name);
        synchronized (admission) {
            if (!instanceKeys(name).isEmpty() || objects != null && !objects.contents(name).isEmpty()) {
                throw ApiException.conflict("Only empty projects can be removed");
            }
            if (objects != null) {
                objects.deleteDefaultProfile(name);
            }
            table.delete(name);
        }
    }

    // ------------------------------------------------------------------------------------------ instances

    /**
     * Checks an instance that is being created or changed ({@code key}) against its project's restrictions and
     * limits, with its new expanded config and devices, then runs {@code store} while no other instance of any
     * project can be admitted (so two creations cannot both take the last place).
     */
    public <T> T admit(String key, Expanded next, Supplier<T> store) {
        synchronized (admission) {
            ProjectTable.Row p = row(ProjectKeys.project(key));
            ProjectRestrictions.check(p, ProjectKeys.name(key), next);
            Map<String, Expanded> all = expandedAll(p.name());
            all.put(key, next);
            ProjectLimits.check(p, all, key, volumeSizes(p.name()));
            return store.get();
        }
    }

    /**
     * LXD's check of a profile change: the profile itself against the restrictions of the project owning it, then
     * every instance using it ({@code users}: key → its expanded config and devices with the new profile) against
     * its own project's restrictions and limits.
     */
    public void checkProfile(String ownerProject, String profileName, Expanded profile, Map<String, Expanded> users) {
        synchronized (admission) {
            ProjectTable.Row owner = row(ownerProject);
            if (ProjectRestrictions.restricted(owner)) {
                try {
                    ProjectRestrictions.check(owner, profileName, profile);
                } catch (ApiException e) {
                    throw ApiException.badRequest(e.getMessage().replace("on instance \"" + profileName + "\"",
                            "on profile \"" + profileName + "\""));
                }
            }
            Map<String, Map<String, Expanded>> byProject = new TreeMap<>();
            users.forEach((k, e) -> byProject.computeIfAbsent(ProjectKeys.project(k), x -> new TreeMap<>()).put(k, e));
            for (Map.Entry<String, Map<String, Expanded>> pe : byProject.entrySet()) {
                ProjectTable.Row p = row(pe.getKey());
                pe.getValue().forEach((k, e) -> ProjectRestrictions.check(p, ProjectKeys.name(k), e));
                Map<String, Expanded> all = expandedAll(p.name());
                all.putAll(pe.getValue());
                ProjectLimits.check(p, all, pe.getValue().keySet().iterator().next(), volumeSizes(p.name()));
            }
        }
    }

    private Map<String, String> volumeSizes(String project) {
        return objects == null ? Map.of() : objects.volumeSizes(project);
    }

    /**
     * LXD's {@code limits.disk} for a custom volume of {@code project} being created or resized ({@code pool/name},
     * its new {@code size}): with every instance and other volume of the project, it must fit.
     */
    public void checkVolume(String project, String poolAndName, String size) {
        synchronized (admission) {
            ProjectTable.Row p = row(project);
            String limit = p.config().get(ProjectConfigKeys.LIMITS_DISK);
            if (limit == null || limit.isEmpty()) {
                return;
            }
            Map<String, String> vols = new TreeMap<>(volumeSizes(project));
            vols.put(poolAndName, size == null ? "" : size);
            ProjectLimits.check(p, expandedAll(project), poolAndName, vols);
        }
    }

    /** Whether a project forbids snapshots ({@code restricted.snapshots=block}): throws LXD's error then. */
    public void checkSnapshot(String instanceKey) {
        ProjectTable.Row p = row(ProjectKeys.project(instanceKey));
        ProjectRestrictions.checkSnapshot(p);
    }

    public io.jlxd.api.project.ProjectState state(String name) {
        ProjectTable.Row p = row(name);
        return ProjectLimits.state(p, expandedAll(name), volumeSizes(name));
    }

    private Map<String, Expanded> expandedAll(String project) {
        Map<String, Expanded> all = new TreeMap<>();
        for (String k : instanceKeys(project)) {
            instances.expanded(k).ifPresent(e -> all.put(k, e));
        }
        return all;
    }

    private static void check(String name) {
        try {
            ProjectNames.check(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static void validate(String name, Map<String, String> config) {
        ProjectConfigKeys.validate(config);
        boolean isDefault = name.equals(ProjectNames.DEFAULT);
        for (String f : ProjectConfigKeys.FEATURES) {
            String v = config.get(f);
            if (v == null || v.isEmpty()) {
                continue;
            }
            if (isDefault && !ProjectConfigKeys.isTrue(v)) {
                throw ApiException.badRequest("Features can only be changed on empty projects");
            }
        }
        if (isDefault) {
            ProjectConfigKeys.FEATURES.forEach(config::remove);
        }
    }
}
