package io.jlxd.daemon.routes;

import io.jlxd.api.ApiExtensions;
import io.jlxd.api.Server;
import io.jlxd.api.ServerEnvironment;
import io.jlxd.api.ServerPut;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.host.HostFeatures;
import io.jlxd.daemon.host.HostInfo;
import io.jlxd.daemon.host.HostResources;
import io.jlxd.daemon.host.HostProbes;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Etag;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.server.HttpsListener;
import io.jlxd.daemon.server.ServerConfig;
import io.jlxd.daemon.tls.ServerTls;
import java.util.List;
import java.util.Map;

/** {@code /} and {@code /1.0}: server information and server configuration. */
public final class ServerRoutes {
    /** The host's cgroup controllers and their hierarchies (read once: mounts do not change under a daemon). */
    private static final java.util.function.Supplier<Map<String, String>> CGROUPS = new java.util.function.Supplier<>() {
        private volatile Map<String, String> value;

        @Override
        public Map<String, String> get() {
            Map<String, String> v = value;
            if (v == null) {
                try {
                    v = io.jlxd.daemon.instance.driver.CgroupLayout.detect().controllers();
                } catch (java.io.IOException e) {
                    v = Map.of();
                }
                value = v;
            }
            return v;
        }
    };

    public static final String VERSION = "0.1.0";

    private final ServerConfig config;
    private final HostInfo host;
    private final HostProbes probes;
    private final ServerTls certificate;
    private final HttpsListener https;
    private final EventBus events;

    public ServerRoutes(ServerConfig config, HostInfo host, HostProbes probes, ServerTls certificate,
                        HttpsListener https, EventBus events) {
        this.config = config;
        this.host = host;
        this.probes = probes;
        this.certificate = certificate;
        this.https = https;
        this.events = events;
    }

    public Reply root(ApiRequest req) {
        return Reply.sync(List.of("/1.0"));
    }

    public Reply get(ApiRequest req) {
        if (!req.caller().trusted()) {
            return Reply.sync(new Server(null, ApiExtensions.ALL, "stable", "1.0", "untrusted", List.of("tls"), false, null));
        }
        // A certificate restricted to projects sees the server but not its configuration (LXD hides it too).
        Map<String, String> current = req.caller().fullyTrusted() ? config.get() : Map.of();
        HostProbes.Facts facts = probes.facts();
        ServerEnvironment env = new ServerEnvironment(
                https.addresses(), List.of(host.architecture()), certificate.current().pem(), certificate.current().fingerprint(),
                "lxc", facts.lxcVersion(), facts.firewall(), "Linux", host.architecture(), host.kernelVersion(),
                host.osName(), host.osVersion(), req.project(), "jlxd", false, "full-mesh", host.hostname(),
                ProcessHandle.current().pid(), VERSION, "dir", facts.storageDrivers().getFirst().version(),
                facts.storageDrivers(), facts.criuVersion(), CGROUPS.get(), HostFeatures.kernel(host.kernelVersion()), lxcFeatures());
        return Reply.sync(new Server(current, ApiExtensions.ALL, "stable", "1.0", "trusted", List.of("tls"), false, env),
                etag(current));
    }

    /** {@code GET /1.0/resources}: the host's CPUs, memory, disks and network cards (LXD's shape). */
    public Reply resources(ApiRequest req) throws Exception {
        return Reply.sync(HostResources.host().all(host.architecture()));
    }

    private volatile Map<String, String> lxcFeatures;

    /** liblxc's features, asked once (liblxc does not change under a running daemon). */
    private Map<String, String> lxcFeatures() {
        Map<String, String> f = lxcFeatures;
        if (f == null) {
            f = lxcFeatures = HostFeatures.lxc();
        }
        return f;
    }

    public Reply put(ApiRequest req) throws Exception {
        ServerPut body = req.bodyAs(ServerPut.class);
        synchronized (config) {
            req.checkEtag(etag(config.get()));
            config.replace(body.config() == null ? Map.of() : body.config());
        }
        events.lifecycle("config-updated", "/1.0", null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply patch(ApiRequest req) throws Exception {
        ServerPut body = req.bodyAs(ServerPut.class);
        synchronized (config) {
            req.checkEtag(etag(config.get()));
            config.patch(body.config() == null ? Map.of() : body.config());
        }
        events.lifecycle("config-updated", "/1.0", null, req.caller().requestor());
        return Reply.empty();
    }

    private static String etag(Map<String, String> current) {
        return Etag.of(current);
    }
}
