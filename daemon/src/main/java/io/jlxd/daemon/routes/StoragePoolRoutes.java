package io.jlxd.daemon.routes;

import io.jlxd.daemon.http.ConfigPatch;
import io.jlxd.api.storage.StoragePool;
import io.jlxd.api.storage.StoragePoolResources;
import io.jlxd.api.storage.StoragePoolsPost;
import io.jlxd.daemon.db.StoragePoolTable;
import io.jlxd.daemon.db.StorageVolumeTable;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Etag;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.storage.InstanceDisks;
import io.jlxd.daemon.storage.StoragePools;
import io.jlxd.storage.pool.PoolDriver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code /1.0/storage-pools}: list, create, show, replace, update, delete, resources. */
public final class StoragePoolRoutes {
    public static final String POOLS = "/1.0/storage-pools";
    private final StoragePools pools;
    private final InstanceDisks disks;
    private final EventBus events;

    public StoragePoolRoutes(StoragePools pools, InstanceDisks disks, EventBus events) {
        this.pools = pools;
        this.disks = disks;
        this.events = events;
    }

    public static String url(String pool) {
        return POOLS + "/" + pool;
    }

    private StoragePoolTable.Row row(String name) {
        return pools.table().get(name).orElseThrow(() -> ApiException.notFound("Storage pool not found"));
    }

    private StoragePool view(StoragePoolTable.Row r) {
        List<String> usedBy = new ArrayList<>();
        disks.instancesOn(r.name()).forEach(i -> usedBy.add(InstanceManager.url(i)));
        disks.profilesOn(r.name()).forEach(p -> usedBy.add(ProfileRoutes.PROFILES + "/" + p));
        for (StorageVolumeTable.Row v : pools.volumes().list(r.name(), null)) {
            if (v.type().equals("image")) {
                usedBy.add("/1.0/images/" + v.name());
            } else if (v.type().equals("custom")) {
                usedBy.add(url(r.name()) + "/volumes/custom/" + v.name());
            }
        }
        String status = pools.find(r.name()).isPresent() ? "Created" : "Unavailable";
        return new StoragePool(r.name(), r.description(), r.driver(), status, r.config(), usedBy, List.of("none"));
    }

    private static String etag(StoragePoolTable.Row r) {
        return Etag.of(r.description(), new TreeMap<>(r.config()));
    }

    public Reply list(ApiRequest req) {
        int recursion = req.recursion(1);
        List<Object> out = new ArrayList<>();
        for (String n : pools.table().names()) {
            if (recursion == 0) {
                out.add(url(n));
            } else {
                pools.table().get(n).ifPresent(r -> out.add(view(r)));
            }
        }
        return Reply.sync(out);
    }

    public Reply create(ApiRequest req) throws IOException {
        StoragePoolsPost body = req.bodyAs(StoragePoolsPost.class);
        StoragePoolTable.Row r = pools.create(body.name(), body.driver(), body.description(), body.config());
        events.lifecycle("storage-pool-created", url(r.name()), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply get(ApiRequest req) {
        StoragePoolTable.Row r = row(req.param("pool"));
        return Reply.sync(view(r), etag(r));
    }

    public Reply put(ApiRequest req) {
        return update(req, false);
    }

    public Reply patch(ApiRequest req) {
        return update(req, true);
    }

    private Reply update(ApiRequest req, boolean patch) {
        StoragePoolTable.Row cur = row(req.param("pool"));
        StoragePoolsPost body = req.bodyAs(StoragePoolsPost.class);
        req.checkEtag(etag(cur));
        if (body.name() != null && !body.name().equals(cur.name())) {
            throw ApiException.badRequest("Storage pools cannot be renamed");
        }
        if (body.driver() != null && !body.driver().equals(cur.driver())) {
            throw ApiException.badRequest("The driver of a storage pool cannot be changed");
        }
        Map<String, String> config = ConfigPatch.apply(cur.config(), body.config(), patch);
        if (!patch) {
            // source and size are fixed: a PUT that leaves them out keeps them
            for (String k : new String[] {"source", "size"}) {
                if (!config.containsKey(k) && cur.config().containsKey(k)) {
                    config.put(k, cur.config().get(k));
                }
            }
        }
        StoragePools.validate(cur.driver(), config, cur.config());
        String description = body.description() == null ? (patch ? cur.description() : "") : body.description();
        pools.table().update(new StoragePoolTable.Row(cur.name(), cur.driver(), description, config));
        events.lifecycle("storage-pool-updated", url(cur.name()), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply delete(ApiRequest req) throws IOException {
        StoragePoolTable.Row r = row(req.param("pool"));
        List<String> profiles = disks.profilesOn(r.name());
        if (!profiles.isEmpty()) {
            throw ApiException.conflict("The storage pool is currently in use by profiles: " + String.join(", ", profiles));
        }
        pools.delete(r.name());
        events.lifecycle("storage-pool-deleted", url(r.name()), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply resources(ApiRequest req) throws IOException {
        row(req.param("pool"));
        PoolDriver.Resources res = pools.get(req.param("pool")).resources();
        return Reply.sync(new StoragePoolResources(new StoragePoolResources.Space(res.used(), res.total())));
    }
}
