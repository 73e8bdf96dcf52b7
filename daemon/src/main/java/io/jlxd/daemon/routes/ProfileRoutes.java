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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code /1.0/profiles}: list, create, show, replace, update, delete, rename. */
public final class ProfileRoutes {
    public static final String PROFILES = "/1.0/profiles";
    private final ProfileTable table;
    private final EventBus events;

    public ProfileRoutes(ProfileTable table, EventBus events) {
        this.table = table;
        this.events = events;
    }

    private Profile view(ProfileTable.Row r) {
        List<String> usedBy = table.usedBy(r.name()).stream().map(InstanceManager::url).toList();
        return new Profile(r.name(), r.description(), r.config(), r.devices(), usedBy, "default");
    }

    private static String etag(ProfileTable.Row r) {
        return Etag.of(r.description(), new TreeMap<>(r.config()), new TreeMap<>(r.devices()));
    }

    private ProfileTable.Row row(String name) {
        return table.get(name).orElseThrow(() -> ApiException.notFound("Profile not found"));
    }

    public Reply list(ApiRequest req) {
        int recursion = req.recursion(1);
        List<Object> out = new ArrayList<>();
        for (String n : table.names()) {
            if (recursion == 0) {
                out.add(PROFILES + "/" + n);
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
        ProfileTable.Row r = validated(name, body.description(), body.config(), body.devices());
        if (!table.create(r)) {
            throw ApiException.conflict("Profile \"" + name + "\" already exists");
        }
        events.lifecycle("profile-created", PROFILES + "/" + name, null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply get(ApiRequest req) {
        ProfileTable.Row r = row(req.param("name"));
        return Reply.sync(view(r), etag(r));
    }

    public Reply put(ApiRequest req) {
        return update(req, false);
    }

    public Reply patch(ApiRequest req) {
        return update(req, true);
    }

    private Reply update(ApiRequest req, boolean patch) {
        ProfileTable.Row cur = row(req.param("name"));
        ProfilePut body = req.bodyAs(ProfilePut.class);
        io.jlxd.daemon.storage.HostPathDisks.checkAccess(req.caller(), body.devices());
        req.checkEtag(etag(cur));
        if (body.name() != null && !body.name().equals(cur.name())) {
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
        table.update(next);
        events.lifecycle("profile-updated", PROFILES + "/" + cur.name(), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply delete(ApiRequest req) {
        ProfileTable.Row r = row(req.param("name"));
        if (r.name().equals("default")) {
            throw ApiException.badRequest("The \"default\" profile cannot be deleted");
        }
        if (!table.delete(r.name())) {
            throw ApiException.conflict("Profile is currently in use");
        }
        events.lifecycle("profile-deleted", PROFILES + "/" + r.name(), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply rename(ApiRequest req) {
        ProfileTable.Row r = row(req.param("name"));
        ProfilePut body = req.bodyAs(ProfilePut.class);
        if (body.config() != null || body.devices() != null || body.description() != null) {
            throw ApiException.badRequest("Only \"name\" may be given to rename a profile");
        }
        if (r.name().equals("default")) {
            throw ApiException.badRequest("The \"default\" profile cannot be renamed");
        }
        String to = validName(body.name());
        if (!table.rename(r.name(), to)) {
            throw ApiException.conflict("Profile \"" + to + "\" already exists");
        }
        events.lifecycle("profile-renamed", PROFILES + "/" + to, Map.of("old_name", r.name()), req.caller().requestor());
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
