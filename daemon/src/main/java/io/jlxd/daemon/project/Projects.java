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
 * ({@link ProjectLimits}, {@link ProjectRestrictions}). Only instances are separate per project: the features
 * (images, profiles, custom volumes) are off outside {@code default}, so such a project uses default's.
 */
public final class Projects {
    /** default's features, as LXD shows them (it owns the images, profiles and volumes). */
    static final Map<String, String> DEFAULT_CONFIG = Map.of(ProjectConfigKeys.FEATURES_IMAGES, "true",
            ProjectConfigKeys.FEATURES_PROFILES, "true", ProjectConfigKeys.FEATURES_VOLUMES, "true");

    private final ProjectTable table;
    private final InstanceCatalog instances;
    private final Supplier<List<String>> defaultOwned;
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

    public Projects(ProjectTable table, InstanceCatalog instances, Supplier<List<String>> defaultOwned) {
        this.table = table;
        this.instances = instances;
        this.defaultOwned = defaultOwned;
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
        if (project.equals(ProjectNames.DEFAULT)) {
            out.addAll(defaultOwned.get());
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ changes

    public ProjectTable.Row create(String name, String description, Map<String, String> config) {
        check(name);
        Map<String, String> c = new TreeMap<>(config == null ? Map.of() : config);
        validate(name, c);
        // LXD fills the features at creation; jlxd has them only as "false" outside default
        for (String f : ProjectConfigKeys.FEATURES) {
            c.putIfAbsent(f, "false");
        }
        c.values().removeIf(String::isEmpty);
        ProjectTable.Row row = new ProjectTable.Row(name, description == null ? "" : description, c);
        if (!table.create(row)) {
            throw ApiException.conflict("Project \"" + name + "\" already exists");
        }
        return row;
    }

    /** Replaces description and config; the new config must hold for every instance already in the project. */
    public void update(ProjectTable.Row cur, String description, Map<String, String> config) {
        Map<String, String> c = new TreeMap<>(config);
        c.values().removeIf(String::isEmpty);
        validate(cur.name(), c);
        // features: only "false" outside default and always on in default (validate), so they never change
        ProjectTable.Row next = new ProjectTable.Row(cur.name(), description, c);
        synchronized (admission) {
            // the instances already there must satisfy the new limits and restrictions (LXD's rule)
            Map<String, Expanded> all = expandedAll(cur.name());
            all.forEach((k, e) -> ProjectRestrictions.check(next, ProjectKeys.name(k), e));
            ProjectLimits.check(next, all, null);
            table.update(next);
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
        if (!instanceKeys(from).isEmpty()) {
            throw ApiException.badRequest("Only empty projects can be renamed");
        }
    }

    public void rename(String from, String to) {
        checkRename(from, to);
        synchronized (admission) {
            if (!instanceKeys(from).isEmpty()) {
                throw ApiException.badRequest("Only empty projects can be renamed");
            }
            if (!table.rename(from, to)) {
                throw ApiException.conflict("Project \"" + to + "\" already exists");
            }
        }
    }

    public void delete(String name) {
        if (name.equals(ProjectNames.DEFAULT)) {
            throw ApiException.forbidden("The 'default' project cannot be deleted");
        }
        row(name);
        synchronized (admission) {
            if (!instanceKeys(name).isEmpty()) {
                throw ApiException.conflict("Only empty projects can be removed");
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
            ProjectLimits.check(p, all, key);
            return store.get();
        }
    }

    /** Whether a project forbids snapshots ({@code restricted.snapshots=block}): throws LXD's error then. */
    public void checkSnapshot(String instanceKey) {
        ProjectTable.Row p = row(ProjectKeys.project(instanceKey));
        ProjectRestrictions.checkSnapshot(p);
    }

    public io.jlxd.api.project.ProjectState state(String name) {
        ProjectTable.Row p = row(name);
        return ProjectLimits.state(p, expandedAll(name));
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
            if (!isDefault && ProjectConfigKeys.isTrue(v)) {
                throw ApiException.badRequest("\"" + f + "\" is not implemented by jlxd: a project uses the default "
                        + "project's images, profiles and custom volumes (set it to false)");
            }
        }
        if (isDefault) {
            ProjectConfigKeys.FEATURES.forEach(config::remove);
        }
    }
}
