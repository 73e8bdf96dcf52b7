package io.jlxd.daemon.routes;

import io.jlxd.daemon.http.ConfigPatch;
import io.jlxd.api.config.InstanceConfigKeys;
import io.jlxd.api.instance.Names;
import io.jlxd.api.instance.Profile;
import io.jlxd.api.instance.ProfilePut;
import io.jlxd.daemon.db.ProfileTable;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Etag;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.instance.Expand;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.project.ProjectFeatures;
import io.jlxd.daemon.project.ProjectKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /1.0/profiles}: list, create, show, replace, update, delete, rename. A project with {@code features.profiles}
 * has its own profiles (stored as {@code <project>_<name>}), any other uses default's.
 */
public final class ProfileRoutes {
    public static final String PROFILES = "/1.0/profiles";
    private final ProfileTable table;
    private final EventBus events;
    private final ProjectFeatures features;
    /** Checks a profile's new content against the projects of the instances using it (restrictions and limits). */
    private final ProfileCheck check;

    /** The check of a profile change against the projects whose instances use it. */
    public interface ProfileCheck {
        void check(String key, ProfileTable.Row next);
    }

    public ProfileRoutes(ProfileTable table, EventBus events, ProjectFeatures features, ProfileCheck check) {
        this.table = table;
        this.events = events;
        this.features = features;
        this.check = check;
    }

    private Profile view(ProfileTable.Row r) {
        List<String> usedBy = table.usedBy(r.name()).stream().map(InstanceManager::url).toList();
        return new Profile(features.nameOfKey(r.name(), F), r.description(), r.config(), r.devices(), usedBy, features.ownerOfKey(r.name(), F));
    }

    private static final ProjectFeatures.Feature F = ProjectFeatures.Feature.PROFILES;

    /** The URL of a stored profile: {@code /1.0/profiles/NAME?project=P} outside default. */
    private String url(String key) {
        return PROFILES + "/" + features.nameOfKey(key, F) + ProjectKeys.query(features.ownerOfKey(key, F));
    }

    private String key(ApiRequest req, String name) {
        return features.key(req.project(), F, name);
    }

    private static String etag(ProfileTable.Row r) {
        return Etag.of(r.description(), new TreeMap<>(r.config()), new TreeMap<>(r.devices()));
    }

    private ProfileTable.Row row(ApiRequest req) {
        String key = key(req, req.param("name"));
        if (!features.ownedBy(key, F, features.owner(req.project(), F))) {
            throw ApiException.notFound("Profile not found"); // a default name that reads as another project's key
        }
        return table.get(key).orElseThrow(() -> ApiException.notFound("Profile not found"));
    }

    public Reply list(ApiRequest req) {
        int recursion = req.recursion(1);
        List<Object> out = new ArrayList<>();
        String owner = features.owner(req.project(), F);
        for (String n : table.names()) {
            if (!features.ownedBy(n, F, owner)) {
                continue;
            }
            if (recursion == 0) {
                out.add(url(n));
            } else {
                table.get(n).ifPresent(r -> out.add(view(r)));
            }
        }
        return Reply.sync(out);
    }

    public Reply create(ApiRequest req) {
        ProfilePut body = req.bodyAs(ProfilePut.class);
        io.jlxd.daemon.storage.HostPathDisks.checkAccess(req.caller(), body.devices());
        String name = validName(body.name());
        String owner = features.owner(req.project(), F);
        if (owner.equals(io.jlxd.api.project.ProjectNames.DEFAULT)) {
            features.checkDefaultName(name, F);
        }
        ProfileTable.Row r = validated(ProjectKeys.key(owner, name), body.description(), body.config(), body.devices());
        check.check(r.name(), r);
        if (!table.create(r)) {
            throw ApiException.conflict("Profile \"" + name + "\" already exists");
        }
        events.lifecycle("profile-created", url(r.name()), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply get(ApiRequest req) {
        ProfileTable.Row r = row(req);
        return Reply.sync(view(r), etag(r));
    }

    public Reply put(ApiRequest req) {
        return update(req, false);
    }

    public Reply patch(ApiRequest req) {
        return update(req, true);
    }

    private Reply update(ApiRequest req, boolean patch) {
        ProfileTable.Row cur = row(req);
        ProfilePut body = req.bodyAs(ProfilePut.class);
        io.jlxd.daemon.storage.HostPathDisks.checkAccess(req.caller(), body.devices());
        req.checkEtag(etag(cur));
        if (body.name() != null && !body.name().equals(features.nameOfKey(cur.name(), F))) {
            throw ApiException.badRequest("Use POST to rename a profile");
        }
        Map<String, String> config;
        Map<String, Map<String, String>> devices;
        String description;
        if (patch) {
            validateConfig(ConfigPatch.setKeys(body.config()));
            config = ConfigPatch.apply(cur.config(), body.config(), true);
            devices = new TreeMap<>(cur.devices());
            if (body.devices() != null) {
                devices.putAll(body.devices());
            }
            description = body.description() == null ? cur.description() : body.description();
        } else {
            config = body.config() == null ? new TreeMap<>() : new TreeMap<>(body.config());
            devices = body.devices() == null ? new TreeMap<>() : new TreeMap<>(body.devices());
            description = body.description() == null ? "" : body.description();
        }
        ProfileTable.Row next = validated(cur.name(), description, config, devices);
        if (!table.usedBy(cur.name()).isEmpty() && cur.devices().values().stream().anyMatch(d -> "/".equals(d.get("path")))
                && next.devices().values().stream().noneMatch(d -> "/".equals(d.get("path")))) {
            throw ApiException.badRequest("The profile's root disk is used by instances and cannot be removed");
        }
        check.check(cur.name(), next);
        table.update(next);
        events.lifecycle("profile-updated", url(cur.name()), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply delete(ApiRequest req) {
        ProfileTable.Row r = row(req);
        String url = url(r.name());
        if (features.nameOfKey(r.name(), F).equals("default")) {
            throw ApiException.badRequest("The \"default\" profile cannot be deleted");
        }
        if (!table.delete(r.name())) {
            throw ApiException.conflict("Profile is currently in use");
        }
        events.lifecycle("profile-deleted", url, null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply rename(ApiRequest req) {
        ProfileTable.Row r = row(req);
        ProfilePut body = req.bodyAs(ProfilePut.class);
        if (body.config() != null || body.devices() != null || body.description() != null) {
            throw ApiException.badRequest("Only \"name\" may be given to rename a profile");
        }
        String old = features.nameOfKey(r.name(), F);
        if (old.equals("default")) {
            throw ApiException.badRequest("The \"default\" profile cannot be renamed");
        }
        String to = validName(body.name());
        String owner = features.ownerOfKey(r.name(), F);
        if (owner.equals(io.jlxd.api.project.ProjectNames.DEFAULT)) {
            features.checkDefaultName(to, F);
        }
        String toKey = ProjectKeys.key(owner, to);
        if (!table.rename(r.name(), toKey)) {
            throw ApiException.conflict("Profile \"" + to + "\" already exists");
        }
        events.lifecycle("profile-renamed", url(toKey), Map.of("old_name", old), req.caller().requestor());
        return Reply.empty();
    }

    private static ProfileTable.Row validated(String name, String description, Map<String, String> config,
                                              Map<String, Map<String, String>> devices) {
        Map<String, String> c = config == null ? new TreeMap<>() : new TreeMap<>(config);
        validateConfig(c);
        Map<String, Map<String, String>> d = devices == null ? new TreeMap<>() : new TreeMap<>(devices);
        Expand.validateDevices(d);
        return new ProfileTable.Row(name, description == null ? "" : description, c, d);
    }

    private static String validName(String name) {
        try {
            return Names.profile(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static void validateConfig(Map<String, String> config) {
        try {
            InstanceConfigKeys.validateUser(config);
            io.jlxd.snapshots.SnapshotConfig.validate(config);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
