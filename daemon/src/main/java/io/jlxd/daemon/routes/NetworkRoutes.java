package io.jlxd.daemon.routes;

import io.jlxd.api.network.Network;
import io.jlxd.api.network.NetworkPost;
import io.jlxd.api.network.NetworksPost;
import io.jlxd.daemon.db.NetworkTable;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.ConfigPatch;
import io.jlxd.daemon.http.Etag;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.network.ManagedNetworks;
import io.jlxd.daemon.network.NetworkInfo;
import io.jlxd.network.HostNetworks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** {@code /1.0/networks}: managed bridges (list, create, show, replace, update, rename, delete, leases, state). */
public final class NetworkRoutes {
    public static final String NETWORKS = "/1.0/networks";
    private final ManagedNetworks networks;
    private final EventBus events;

    public NetworkRoutes(ManagedNetworks networks, EventBus events) {
        this.networks = networks;
        this.events = events;
    }

    public static String url(String name) {
        return NETWORKS + "/" + name;
    }

    private NetworkTable.Row row(String name) {
        return networks.table().get(name).orElseThrow(() -> HostNetworks.exists(name)
                ? ApiException.badRequest("Network \"" + name + "\" is not managed by jlxd")
                : ApiException.notFound("Network not found"));
    }

    private Network view(NetworkTable.Row r) {
        List<String> usedBy = new ArrayList<>();
        networks.users().instancesOn(r.name()).forEach(i -> usedBy.add(InstanceManager.url(i)));
        networks.users().profilesOn(r.name()).forEach(p -> usedBy.add(ProfileRoutes.PROFILES + "/" + p));
        return new Network(r.name(), r.description(), r.type(), true, networks.status(r.name()), r.config(), usedBy, List.of("none"));
    }

    private static Network unmanaged(String name) {
        return new Network(name, "", HostNetworks.type(name), false, "", Map.of(), List.of(), List.of("none"));
    }

    private static String etag(NetworkTable.Row r) {
        return Etag.of(r.description(), new TreeMap<>(r.config()));
    }

    public Reply list(ApiRequest req) throws IOException {
        int recursion = req.recursion(1);
        TreeSet<String> names = new TreeSet<>(networks.table().names());
        names.addAll(HostNetworks.interfaces());
        List<Object> out = new ArrayList<>();
        for (String n : names) {
            if (recursion == 0) {
                out.add(url(n));
            } else {
                out.add(networks.table().get(n).map(this::view).orElseGet(() -> unmanaged(n)));
            }
        }
        return Reply.sync(out);
    }

    public Reply create(ApiRequest req) throws IOException {
        NetworksPost body = req.bodyAs(NetworksPost.class);
        if (body.type() != null && !body.type().isEmpty() && !body.type().equals("bridge")) {
            throw ApiException.badRequest("Network type \"" + body.type() + "\" is not supported (bridge only)");
        }
        networks.create(body.name(), body.description(), body.config());
        events.lifecycle("network-created", url(body.name()), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply get(ApiRequest req) {
        String name = req.param("name");
        var r = networks.table().get(name);
        if (r.isEmpty()) {
            if (HostNetworks.exists(name)) {
                Network u = unmanaged(name);
                return Reply.sync(u, Etag.of(u.name(), u.type()));
            }
            throw ApiException.notFound("Network not found");
        }
        return Reply.sync(view(r.get()), etag(r.get()));
    }

    public Reply put(ApiRequest req) throws IOException {
        return update(req, false);
    }

    public Reply patch(ApiRequest req) throws IOException {
        return update(req, true);
    }

    private Reply update(ApiRequest req, boolean patch) throws IOException {
        NetworkTable.Row cur = row(req.param("name"));
        NetworksPost body = req.bodyAs(NetworksPost.class);
        req.checkEtag(etag(cur));
        if (body.name() != null && !body.name().isEmpty() && !body.name().equals(cur.name())) {
            throw ApiException.badRequest("Use POST to rename a network");
        }
        if (body.type() != null && !body.type().isEmpty() && !body.type().equals(cur.type())) {
            throw ApiException.badRequest("The type of a network cannot be changed");
        }
        Map<String, String> config = ConfigPatch.apply(cur.config(), body.config(), patch);
        String description = body.description() == null ? (patch ? cur.description() : "") : body.description();
        networks.update(cur.name(), description, config);
        events.lifecycle("network-updated", url(cur.name()), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply rename(ApiRequest req) throws IOException {
        NetworkTable.Row cur = row(req.param("name"));
        NetworkPost body = req.bodyAs(NetworkPost.class);
        if (body.name() == null || body.name().isEmpty()) {
            throw ApiException.badRequest("The new name is missing");
        }
        networks.rename(cur.name(), body.name());
        events.lifecycle("network-renamed", url(body.name()), Map.of("old_name", cur.name()), req.caller().requestor());
        return Reply.empty();
    }

    public Reply delete(ApiRequest req) throws IOException {
        NetworkTable.Row cur = row(req.param("name"));
        networks.delete(cur.name());
        events.lifecycle("network-deleted", url(cur.name()), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply leases(ApiRequest req) throws IOException {
        NetworkTable.Row cur = row(req.param("name"));
        return Reply.sync(NetworkInfo.leases(networks.users().hosts(cur.name()), networks.dir(cur.name()).resolve("dnsmasq.leases")));
    }

    public Reply state(ApiRequest req) {
        String name = req.param("name");
        if (networks.table().get(name).isEmpty() && !HostNetworks.exists(name)) {
            throw ApiException.notFound("Network not found");
        }
        return Reply.sync(NetworkInfo.state(name).orElseThrow(() -> ApiException.notFound("Interface " + name + " not found")));
    }
}
