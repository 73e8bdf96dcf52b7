package io.jlxd.daemon.server;

import io.helidon.common.tls.Tls;
import io.jlxd.api.Event;
import io.jlxd.daemon.tls.ServerTls;
import java.util.function.Predicate;
import io.helidon.webserver.WebServer;
import io.helidon.websocket.WsSession;
import io.jlxd.api.config.ServerConfigKeys;
import io.jlxd.api.config.ValueType.ListenAddress;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Router;
import io.helidon.webserver.http.ServerRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The HTTPS listener, driven by {@code core.https_address}: started, moved or stopped when the key changes, without
 * a daemon restart. TLS 1.3 with the server certificate; client certificates are requested (not required) and a
 * caller is trusted when its certificate is in the trust store.
 */
public final class HttpsListener implements ServerConfig.Applier {
    private static final Logger LOG = Logger.getLogger(HttpsListener.class.getName());

    private final ServerTls certificate;
    private final TrustStore trust;
    private final ClientSockets clients;
    private final EventBus events;
    private Router router;
    private io.jlxd.daemon.wsop.WsOperations sockets = new io.jlxd.daemon.wsop.WsOperations();
    private volatile WebServer server;
    private volatile ListenAddress address;

    private final String key;
    private final String label;

    public HttpsListener(ServerTls certificate, TrustStore trust, EventBus events) {
        this(certificate, trust, events, ServerConfigKeys.HTTPS_ADDRESS, "HTTPS listener");
    }

    /**
     * A listener driven by config key {@code key}: {@code core.https_address} (the API) or {@code core.metrics_address}
     * (LXD's metrics server: its router holds only {@code /}, {@code /1.0} and {@code /1.0/metrics}; no events).
     */
    public HttpsListener(ServerTls certificate, TrustStore trust, EventBus events, String key, String label) {
        this.key = key;
        this.label = label;
        this.certificate = certificate;
        this.trust = trust;
        this.events = events;
        this.clients = new ClientSockets(fp -> trust.find(fp).isPresent());
        trust.onRevoke(clients::closeAll);
    }

    /** Serves the current server certificate (after {@link ServerTls#reload}) to new connections. */
    public synchronized void reloadTls() {
        WebServer s = server;
        if (s != null) {
            s.reloadTls(certificate.tls());
            LOG.info(label + " now serves certificate " + certificate.current().fingerprint());
        }
    }

    public void router(Router router) {
        this.router = router;
    }

    /** The channels of websocket operations ({@code /1.0/operations/{id}/websocket}). */
    public void sockets(io.jlxd.daemon.wsop.WsOperations value) {
        this.sockets = value;
    }

    @Override
    public synchronized void apply(Map<String, String> before, Map<String, String> after) {
        String was = before.getOrDefault(key, "");
        String now = after.getOrDefault(key, "");
        if (was.equals(now) && (server != null || now.isEmpty())) {
            return;
        }
        stop();
        if (!now.isEmpty()) {
            try {
                start(ListenAddress.parse(now));
            } catch (RuntimeException e) {
                if (!was.isEmpty()) {
                    try {
                        start(ListenAddress.parse(was)); // the change is refused: keep serving where we did
                    } catch (RuntimeException again) {
                        e.addSuppressed(again);
                    }
                }
                throw e;
            }
        }
    }

    private void start(ListenAddress listen) {
        InetSocketAddress bind;
        try {
            bind = new InetSocketAddress(listen.inetAddress(), listen.port());
        } catch (java.net.UnknownHostException e) {
            throw ApiException.badRequest("Cannot listen on " + listen.host() + ": unknown host");
        }
        Tls tls = certificate.tls();
        try {
            server = Listener.start(bind, tls, router, this::caller, events, this::eventAccess, sockets, clients);
            if (!server.isRunning()) { // Helidon logs a bind failure and returns a stopped server
                server = null;
                throw ApiException.badRequest("Cannot listen on " + bind + ": the address cannot be bound (in use?)");
            }
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw ApiException.badRequest("Cannot listen on " + bind + ": " + root.getMessage());
        }
        address = new ListenAddress(listen.host(), server.port());
        LOG.info(label + " on " + bind.getAddress().getHostAddress() + ":" + server.port());
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop();
            LOG.info(label + " stopped");
        }
        server = null;
        address = null;
    }

    /** The port actually bound (useful with port 0), or -1 when HTTPS is off. */
    public int port() {
        WebServer s = server;
        return s == null ? -1 : s.port();
    }

    /** Where clients can reach HTTPS ({@code environment.addresses}): host:port, all addresses for a wildcard. */
    public List<String> addresses() {
        ListenAddress a = address;
        if (a == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try {
            InetAddress host = a.inetAddress();
            if (host.isAnyLocalAddress()) {
                for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress ia : Collections.list(nif.getInetAddresses())) {
                        if (!ia.isLoopbackAddress() && !ia.isLinkLocalAddress()) {
                            out.add(format(ia, a.port()));
                        }
                    }
                }
            } else {
                out.add(format(host, a.port()));
            }
        } catch (java.net.UnknownHostException | SocketException e) {
            out.add(a.host() + ":" + a.port());
        }
        return out;
    }

    private static String format(InetAddress ia, int port) {
        String h = ia.getHostAddress();
        int pct = h.indexOf('%');
        if (pct >= 0) {
            h = h.substring(0, pct);
        }
        return ia instanceof Inet6Address ? "[" + h + "]:" + port : h + ":" + port;
    }

    private ApiRequest.Caller caller(ServerRequest req) {
        X509Certificate cert = clientCertificate(req.remotePeer().tlsCertificates());
        return ApiRequest.Caller.tls(ip(req.remotePeer()), cert, trust.identify(cert).orElse(null));
    }

    /** Who may listen to events over HTTPS, and which events they see (null: refused). */
    private Predicate<Event> eventAccess(WsSession session) {
        if (!ServerConfigKeys.HTTPS_ADDRESS.equals(key)) {
            return null; // the metrics server has no events
        }
        X509Certificate cert = clientCertificate(session.socketContext().remotePeer().tlsCertificates());
        ApiRequest.Caller caller = ApiRequest.Caller.tls(ip(session.socketContext().remotePeer()), cert,
                trust.identify(cert).orElse(null));
        if (caller.fullyTrusted()) {
            return e -> true;
        }
        if (!caller.mayUseProject(ApiRequest.ANY_PROJECT)) {
            return null;
        }
        return e -> RestrictedEvents.visible(e) && (e.project() == null || e.project().isEmpty() || caller.mayUseProject(e.project()));
    }

    /** The peer's IP address as text (no reverse lookup). */
    private static String ip(io.helidon.common.socket.PeerInfo peer) {
        if (peer.address() instanceof InetSocketAddress a && a.getAddress() != null) {
            String h = a.getAddress().getHostAddress();
            int pct = h.indexOf('%');
            return pct >= 0 ? h.substring(0, pct) : h;
        }
        return peer.host();
    }

    private static X509Certificate clientCertificate(Optional<Certificate[]> chain) {
        return chain.filter(c -> c.length > 0 && c[0] instanceof X509Certificate).map(c -> (X509Certificate) c[0]).orElse(null);
    }
}
