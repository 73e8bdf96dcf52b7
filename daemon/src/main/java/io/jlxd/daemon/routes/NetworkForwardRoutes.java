package io.jlxd.daemon.routes;

import io.jlxd.api.network.NetworkForward;
import io.jlxd.api.network.NetworkForwardsPost;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.ConfigPatch;
import io.jlxd.daemon.http.Etag;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.network.NetworkForwards;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code /1.0/networks/{name}/forwards}: list, create, show, replace, update, delete. */
public final class NetworkForwardRoutes {
    private final NetworkForwards forwards;
    private final EventBus events;

    public NetworkForwardRoutes(NetworkForwards forwards, EventBus events) {
        this.forwards = forwards;
        this.events = events;
    }

    static String url(String network, String listen) {
        return NetworkRoutes.url(network) + "/forwards/" + listen;
    }

    private static String etag(NetworkForward f) {
        return Etag.of(f.description(), new TreeMap<>(f.config()), f.ports());
    }

    public Reply list(ApiRequest req) {
        String net = req.param("name");
        int recursion = req.recursion(1);
        List<Object> out = new ArrayList<>();
        for (NetworkForward f : forwards.list(net)) {
            out.add(recursion == 0 ? url(net, f.listenAddress()) : f);
        }
        return Reply.sync(out);
    }

    public Reply create(ApiRequest req) throws IOException {
        String net = req.param("name");
        NetworkForwardsPost body = req.bodyAs(NetworkForwardsPost.class);
        forwards.put(net, body.listenAddress(), body.description(), body.config(), body.ports(), true);
        events.lifecycle("network-forward-created", url(net, body.listenAddress()), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply get(ApiRequest req) {
        NetworkForward f = forwards.get(req.param("name"), req.param("listen_address"));
        return Reply.sync(f, etag(f));
    }

    public Reply put(ApiRequest req) throws IOException {
        return update(req, false);
    }

    public Reply patch(ApiRequest req) throws IOException {
        return update(req, true);
    }

    private Reply update(ApiRequest req, boolean patch) throws IOException {
        String net = req.param("name");
        NetworkForward cur = forwards.get(net, req.param("listen_address"));
        NetworkForwardsPost body = req.bodyAs(NetworkForwardsPost.class);
        req.checkEtag(etag(cur));
        if (body.listenAddress() != null && !body.listenAddress().isEmpty() && !body.listenAddress().equals(cur.listenAddress())) {
            throw ApiException.badRequest("The listen address of a forward cannot be changed");
        }
        Map<String, String> config = ConfigPatch.apply(cur.config(), body.config(), patch);
        String description = body.description() == null ? (patch ? cur.description() : "") : body.description();
        var ports = body.ports() == null ? (patch ? cur.ports() : List.<io.jlxd.api.network.NetworkForwardPort>of()) : body.ports();
        forwards.put(net, cur.listenAddress(), description, config, ports, false);
        events.lifecycle("network-forward-updated", url(net, cur.listenAddress()), null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply delete(ApiRequest req) throws IOException {
        String net = req.param("name");
        NetworkForward cur = forwards.get(net, req.param("listen_address"));
        forwards.delete(net, cur.listenAddress());
        events.lifecycle("network-forward-deleted", url(net, cur.listenAddress()), null, req.caller().requestor());
        return Reply.empty();
    }
}
