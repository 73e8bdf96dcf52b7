package io.jlxd.daemon.project;

import io.jlxd.api.project.ProjectNames;
import io.jlxd.daemon.db.ProfileTable;
import io.jlxd.daemon.db.StorageVolumeTable;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.project.ProjectFeatures.Feature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link ProjectObjects} over the profile and volume tables (and the images' project memberships). */
public final class TableProjectObjects implements ProjectObjects {
    /** The images a project holds, by fingerprint, and the stored alias names. */
    public interface ImageMembers {
        List<String> fingerprints(String project);

        List<String> aliasKeys();

        void renameProject(String from, String to);
    }

    private final ProjectFeatures features;
    private final ProfileTable profiles;
    private final StorageVolumeTable volumes;
    private final ImageMembers images;

    public TableProjectObjects(ProjectFeatures features, ProfileTable profiles, StorageVolumeTable volumes, ImageMembers images) {
        this.features = features;
        this.profiles = profiles;
        this.volumes = volumes;
        this.images = images;
    }

    @Override
    public List<String> urls(String project) {
        List<String> out = new ArrayList<>();
        String q = ProjectKeys.query(project);
        if (features.on(project, Feature.IMAGES) && images != null) {
            images.fingerprints(project).forEach(fp -> out.add("/1.0/images/" + fp + q));
        }
        if (features.on(project, Feature.PROFILES)) {
            for (String k : profiles.names()) {
                if (features.ownedBy(k, Feature.PROFILES, project)) {
                    out.add("/1.0/profiles/" + features.nameOfKey(k, Feature.PROFILES) + q);
                }
            }
        }
        if (!project.equals(ProjectNames.DEFAULT) && features.on(project, Feature.VOLUMES)) {
            for (StorageVolumeTable.Row r : volumes.allCustom()) {
                if (features.ownedBy(r.name(), Feature.VOLUMES, project)) {
                    out.add("/1.0/storage-pools/" + r.pool() + "/volumes/custom/" + features.nameOfKey(r.name(), Feature.VOLUMES) + q);
                }
            }
        }
        return out;
    }

    @Override
    public Map<String, String> volumeSizes(String project) {
        Map<String, String> out = new java.util.TreeMap<>();
        if (!features.on(project, Feature.VOLUMES)) {
            return out;
        }
        for (StorageVolumeTable.Row r : volumes.allCustom()) {
            if (features.ownedBy(r.name(), Feature.VOLUMES, project)) {
                String size = volumes.get(r.pool(), "custom", r.name()).map(v -> v.config().getOrDefault("size", "")).orElse("");
                out.put(r.pool() + "/" + features.nameOfKey(r.name(), Feature.VOLUMES), size);
            }
        }
        return out;
    }

    @Override
    public List<String> contents(String project) {
        String own = "/1.0/profiles/default" + ProjectKeys.query(project);
        return urls(project).stream().filter(u -> !u.equals(own)).toList();
    }

    @Override
    public List<String> clashes(String project, Feature f) {
        String prefix = project + "_";
        List<String> keys = switch (f) {
            case PROFILES -> profiles.names();
            case VOLUMES -> volumes.allCustom().stream().map(StorageVolumeTable.Row::name).toList();
            case IMAGES -> images == null ? List.<String>of() : images.aliasKeys(); // images are held by fingerprint; aliases by name
        };
        return keys.stream().filter(k -> k.startsWith(prefix) && features.ownerOfKey(k, f).equals(ProjectNames.DEFAULT)).toList();
    }

    @Override
    public void createDefaultProfile(String project) {
        String key = ProjectKeys.key(project, "default");
        if (!profiles.create(new ProfileTable.Row(key, "Default LXD profile for project " + project, Map.of(), Map.of()))) {
            throw ApiException.conflict("A profile stored as \"" + key + "\" already exists");
        }
    }

    @Override
    public void deleteDefaultProfile(String project) {
        String key = ProjectKeys.key(project, "default");
        if (profiles.get(key).isPresent() && !profiles.delete(key)) {
            throw ApiException.conflict("The project's default profile is in use");
        }
    }

    @Override
    public void rename(String from, String to) {
        String key = ProjectKeys.key(from, "default");
        if (profiles.get(key).isPresent()) {
            profiles.rename(key, ProjectKeys.key(to, "default"));
        }
        if (images != null) {
            images.renameProject(from, to);
        }
    }
}
