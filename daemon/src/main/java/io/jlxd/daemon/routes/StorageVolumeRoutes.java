package io.jlxd.daemon.routes;

import io.jlxd.daemon.http.ConfigPatch;
import io.jlxd.api.storage.StorageVolume;
import io.jlxd.api.storage.StorageVolumesPost;
import io.jlxd.daemon.db.StorageVolumeTable;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Etag;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.daemon.project.ProjectFeatures;
import io.jlxd.daemon.project.ProjectKeys;
import io.jlxd.daemon.storage.CustomVolumes;
import io.jlxd.daemon.storage.StoragePools;
import io.jlxd.storage.pool.VolumeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code /1.0/storage-pools/{pool}/volumes[/{type}[/{name}]]}: listings of every type; custom volumes CRUD. */
public final class StorageVolumeRoutes {
    private final StoragePools pools;
    private final CustomVolumes custom;
    private final Operations operations;
    private final EventBus events;
    private final ProjectFeatures features;
    private static final ProjectFeatures.Feature F = ProjectFeatures.Feature.VOLUMES;

    public StorageVolumeRoutes(StoragePools pools, CustomVolumes custom, Operations operations, EventBus events, ProjectFeatures features) {
        this.pools = pools;
        this.custom = custom;
        this.operations = operations;
        this.events = events;
        this.features = features;
    }

    /** LXD's {@code limits.disk} check of a custom volume: (owner project, "pool/name", new size or ""). */
    public interface VolumeCheck {
        void check(String project, String poolAndName, String size);
    }

    private volatile VolumeCheck volumeCheck = (project, poolAndName, size) -> {
    };

    public void volumeCheck(VolumeCheck check) {
        volumeCheck = check;
    }

    public static String url(String pool, String type, String name) {
        return StoragePoolRoutes.url(pool) + "/volumes/" + type + "/" + name;
    }

    /** The URL of a custom volume (plus {@code suffix}) by its stored key: its name in its project, and the project's query. */
    static String customUrl(ProjectFeatures features, String pool, String key, String suffix) {
        return url(pool, "custom", features.nameOfKey(key, F)) + suffix + ProjectKeys.query(features.ownerOfKey(key, F));
    }

    /**
     * The stored key of the custom volume {@code name} of the request's project (its own with
     * {@code features.storage.volumes}, else default's); 404 for a default name that reads as another project's key.
     */
    static String customKey(ProjectFeatures features, ApiRequest req, String name) {
        String owner = features.owner(req.project(), F);
        String key = ProjectKeys.key(owner, name);
        if (!features.ownedBy(key, F, owner)) {
            throw ApiException.notFound("Storage volume not found");
        }
        return key;
    }

    private String customUrl(String pool, String key) {
        return customUrl(features, pool, key, "");
    }

    static VolumeType type(String t) {
        return VolumeType.of(t).filter(v -> v.apiName().equals(t))
                .orElseThrow(() -> ApiException.badRequest("Invalid storage volume type \"" + t + "\" (container, image or custom)"));
    }

    static void requireCustom(String t) {
        if (type(t) != VolumeType.CUSTOM) {
            throw ApiException.badRequest("Only custom volumes can be managed here (" + t + " volumes follow their instance or image)");
        }
    }

    private StorageVolume view(StorageVolumeTable.Row r) {
        List<String> usedBy = switch (r.type()) {
            case "container" -> List.of(InstanceManager.url(r.name()));
            case "image" -> List.of("/1.0/images/" + r.name());
            default -> custom.usedBy(r.pool(), r.name()).stream().map(InstanceManager::url).toList();
        };
        boolean instance = r.type().equals("container"); // an instance's volume is in its project (key <project>_<name>)
        boolean own = r.type().equals("custom"); // a custom volume is its project's with features.storage.volumes
        String name = instance ? ProjectKeys.name(r.name()) : own ? features.nameOfKey(r.name(), F) : r.name();
        String project = instance ? ProjectKeys.project(r.name()) : own ? features.ownerOfKey(r.name(), F) : "default";
        return new StorageVolume(name, r.description(), r.type(), r.pool(), "filesystem", r.config(), usedBy, "none", project, r.createdAt());
    }

    private static String etag(StorageVolumeTable.Row r) {
        return Etag.of(r.description(), new TreeMap<>(r.config()));
    }

    private void requirePool(String pool) {
        pools.table().get(pool).orElseThrow(() -> ApiException.notFound("Storage pool not found"));
    }

    public Reply listAll(ApiRequest req) {
        return list(req, null);
    }

    public Reply listType(ApiRequest req) {
        return list(req, type(req.param("type")).apiName());
    }

    private Reply list(ApiRequest req, String type) {
        String pool = req.param("pool");
        requirePool(pool);
        int recursion = req.recursion(1);
        io.jlxd.daemon.http.ListFilter filter = req.query("filter").filter(f -> !f.isBlank())
                .map(io.jlxd.daemon.http.ListFilter::parse).orElse(null);
        List<Object> out = new ArrayList<>();
        java.util.function.Predicate<String> listed = req.projectsToList();
        boolean all = req.allProjects();
        String customOwner = all ? null : features.owner(req.project(), F);
        for (StorageVolumeTable.Row r : pools.volumes().list(pool, type)) {
            boolean instance = r.type().equals("container");
            boolean own = r.type().equals("custom");
            if (instance && !listed.test(ProjectKeys.project(r.name()))) {
                continue; // instance volumes are per project
            }
            if (own) {
                String o = features.ownerOfKey(r.name(), F); // custom volumes: the owner's (default's for a project without the feature)
                if (all ? !listed.test(o) : !o.equals(customOwner)) {
                    continue;
                }
            }
            Object v = view(r);
            if (filter == null || filter.matches(io.jlxd.api.Json.lenient().valueToTree(v))) {
                out.add(recursion == 0 ? (instance ? url(pool, r.type(), ProjectKeys.name(r.name())) + ProjectKeys.query(ProjectKeys.project(r.name()))
                        : own ? customUrl(pool, r.name()) : url(pool, r.type(), r.name())) : v);
            }
        }
        return Reply.sync(out);
    }

    public Reply create(ApiRequest req) {
        String pool = req.param("pool");
        requirePool(pool);
        requireCustom(req.param("type"));
        StorageVolumesPost body = req.bodyAs(StorageVolumesPost.class);
        String shortName = CustomVolumes.volumeName(body.name());
        String owner = features.owner(req.project(), F);
        if (owner.equals(io.jlxd.api.project.ProjectNames.DEFAULT)) {
            features.checkDefaultName(shortName, F);
        }
        String name = ProjectKeys.key(owner, shortName);
        if (body.type() != null && !body.type().isEmpty() && !body.type().equals("custom")) {
            throw ApiException.badRequest("Only custom volumes can be created (type \"custom\")");
        }
        if (body.contentType() != null && !body.contentType().isEmpty() && !body.contentType().equals("filesystem")) {
            throw ApiException.badRequest("Unsupported content_type \"" + body.contentType() + "\" (filesystem)");
        }
        if (body.restore() != null) {
            throw ApiException.badRequest("\"restore\" only applies to PUT on an existing volume");
        }
        String[] src = source(body.source());
        if (src != null) {
            src[1] = customKey(features, req, src[1]); // the source is a volume of the same project
        }
        CustomVolumes.validate(pools.get(pool), body.config() == null ? Map.of() : body.config());
        if (pools.volumes().get(pool, "custom", name).isPresent()) {
            throw ApiException.conflict("Storage volume \"" + shortName + "\" already exists");
        }
        volumeCheck.check(owner, pool + "/" + shortName, body.config() == null ? "" : body.config().getOrDefault("size", ""));
        EventBus.Requestor who = req.caller().requestor();
        Map<String, List<String>> res = Map.of("storage_volumes", List.of(customUrl(pool, name)));
        return Reply.async(operations.startTask(Operations.Spec.task(src == null ? "Creating storage volume" : "Copying storage volume", res),
                ctx -> {
                    custom.create(pool, name, body.description(), body.config(), src == null ? null : src[0] == null ? pool : src[0],
                            src == null ? null : src[1], src == null ? null : src[2]);
                    events.lifecycle("storage-volume-created", customUrl(pool, name), null, who);
                    return null;
                }).view());
    }

    /** {pool, volume, snapshot or null} of a copy source, or null for an empty volume. */
    private String[] source(StorageVolumesPost.Source s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        if (s.unsupported() != null) {
            throw ApiException.badRequest("The source field \"" + s.unsupported() + "\" is not supported");
        }
        if (s.type() == null || s.type().isEmpty()) {
            return null;
        }
        if (!s.type().equals("copy")) {
            throw ApiException.badRequest("Unsupported source type \"" + s.type() + "\" (copy)");
        }
        if (s.name() == null || s.name().isEmpty()) {
            throw ApiException.badRequest("A copy source needs a name (volume or volume/snapshot)");
        }
        String pool = s.pool() == null || s.pool().isEmpty() ? null : s.pool();
        String[] parts = s.name().split("/", -1);
        if (parts.length > 2) {
            throw ApiException.badRequest("Invalid source name \"" + s.name() + "\"");
        }
        CustomVolumes.volumeName(parts[0]);
        if (parts.length == 2) {
            CustomVolumes.snapshotName(parts[1]);
        }
        return new String[] {pool, parts[0], parts.length == 2 ? parts[1] : null};
    }

    public Reply get(ApiRequest req) {
        String pool = req.param("pool");
        requirePool(pool);
        VolumeType t = type(req.param("type"));
        String name = t == VolumeType.CONTAINER ? req.instanceKey() : t == VolumeType.CUSTOM ? customKey(features, req, req.param("name"))
                : req.param("name");
        StorageVolumeTable.Row r = pools.volumes().get(pool, t.apiName(), name)
                .orElseThrow(() -> ApiException.notFound("Storage volume not found"));
        return Reply.sync(view(r), etag(r));
    }

    /** LXD's {@code storage_volume_state}: bytes used by a custom or instance volume, and its quota (-1: none). */
    public Reply state(ApiRequest req) throws Exception {
        String pool = req.param("pool");
        requirePool(pool);
        VolumeType t = type(req.param("type"));
        if (t == VolumeType.IMAGE) {
            throw ApiException.badRequest("Invalid storage volume type \"image\" (custom or container)");
        }
        String name = t == VolumeType.CONTAINER ? req.instanceKey() : t == VolumeType.CUSTOM ? customKey(features, req, req.param("name"))
                : req.param("name");
        StorageVolumeTable.Row r = pools.volumes().get(pool, t.apiName(), name)
                .orElseThrow(() -> ApiException.notFound("Storage volume not found"));
        long used = io.jlxd.daemon.storage.VolumeUsage.used(pools.get(pool), t, r.name());
        String size = r.config().getOrDefault(io.jlxd.api.config.StorageConfigKeys.SIZE, "");
        long total = size.isEmpty() ? -1 : io.jlxd.api.config.Sizes.parseBytes(size);
        return Reply.sync(new io.jlxd.api.storage.StorageVolumeState(new io.jlxd.api.storage.StorageVolumeState.Usage(used, total)));
    }

    public Reply put(ApiRequest req) throws Exception {
        return update(req, false);
    }

    public Reply patch(ApiRequest req) throws Exception {
        return update(req, true);
    }

    private Reply update(ApiRequest req, boolean patch) throws Exception {
        requireCustom(req.param("type"));
        StorageVolumeTable.Row cur = custom.row(req.param("pool"), customKey(features, req, req.param("name")));
        StorageVolumesPost body = req.bodyAs(StorageVolumesPost.class);
        req.checkEtag(etag(cur));
        if (body.name() != null && !body.name().equals(cur.name()) || body.source() != null && !body.source().isEmpty()
                || body.type() != null && !body.type().equals("custom") || body.unsupportedMove(cur.pool()) != null) {
            throw ApiException.badRequest("Only description, config and restore can be changed here (POST renames)");
        }
        EventBus.Requestor who = req.caller().requestor();
        if (body.restore() != null && !body.restore().isEmpty()) {
            // lxc sends LXD's StorageVolumePut: the restore with an empty description and a null config
            if (body.config() != null && !body.config().isEmpty() || body.description() != null && !body.description().isEmpty()) {
                throw ApiException.badRequest("\"restore\" cannot be combined with other changes");
            }
            custom.restore(cur.pool(), cur.name(), CustomVolumes.snapshotName(body.restore()));
            events.lifecycle("storage-volume-restored", customUrl(cur.pool(), cur.name()), Map.of("snapshot", body.restore()), who);
            return Reply.empty();
        }
        Map<String, String> config = ConfigPatch.apply(cur.config(), body.config(), patch);
        String description = body.description() == null ? (patch ? cur.description() : "") : body.description();
        if (!config.getOrDefault("size", "").equals(cur.config().getOrDefault("size", ""))) {
            volumeCheck.check(features.ownerOfKey(cur.name(), F), cur.pool() + "/" + features.nameOfKey(cur.name(), F),
                    config.getOrDefault("size", ""));
        }
        custom.update(cur, description, config);
        events.lifecycle("storage-volume-updated", customUrl(cur.pool(), cur.name()), null, who);
        return Reply.empty();
    }

    public Reply rename(ApiRequest req) throws Exception {
        requireCustom(req.param("type"));
        StorageVolumeTable.Row cur = custom.row(req.param("pool"), customKey(features, req, req.param("name")));
        StorageVolumesPost body = req.bodyAs(StorageVolumesPost.class);
        if (body.config() != null || body.description() != null || body.source() != null && !body.source().isEmpty()
                || body.restore() != null) {
            throw ApiException.badRequest("Only \"name\" may be given to rename a volume");
        }
        if (body.unsupportedMove(cur.pool()) != null) {
            throw ApiException.badRequest("The field \"" + body.unsupportedMove(cur.pool()) + "\" is not supported (no migration)");
        }
        String to = CustomVolumes.volumeName(body.name());
        String owner = features.ownerOfKey(cur.name(), F);
        if (owner.equals(io.jlxd.api.project.ProjectNames.DEFAULT)) {
            features.checkDefaultName(to, F);
        }
        String toKey = ProjectKeys.key(owner, to);
        custom.rename(cur.pool(), cur.name(), toKey);
        events.lifecycle("storage-volume-renamed", customUrl(cur.pool(), toKey), Map.of("old_name", features.nameOfKey(cur.name(), F)),
                req.caller().requestor());
        return Reply.empty();
    }

    public Reply delete(ApiRequest req) throws Exception {
        requireCustom(req.param("type"));
        StorageVolumeTable.Row cur = custom.row(req.param("pool"), customKey(features, req, req.param("name")));
        custom.delete(cur.pool(), cur.name());
        events.lifecycle("storage-volume-deleted", customUrl(cur.pool(), cur.name()), null, req.caller().requestor());
        return Reply.empty();
    }
}
