package io.jlxd.daemon.server;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import io.helidon.websocket.WsSession;
import io.jlxd.api.config.ServerConfigKeys;
import io.jlxd.api.config.ValueType.ListenAddress;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Router;
import io.jlxd.daemon.tls.ServerCertificate;
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

    private final ServerCertificate certificate;
    private final TrustStore trust;
    private final EventBus events;
    private Router router;
    private io.jlxd.daemon.wsop.WsOperations sockets = new io.jlxd.daemon.wsop.WsOperations();
    private volatile WebServer server;
    private volatile ListenAddress address;

    public HttpsListener(ServerCertificate certificate, TrustStore trust, EventBus events) {
        this.certificate = certificate;
        this.trust = trust;
        this.events = events;
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
        String was = before.getOrDefault(ServerConfigKeys.HTTPS_ADDRESS, "");
        String now = after.getOrDefault(ServerConfigKeys.HTTPS_ADDRESS, "");
        if (was.equals(now) && (server != null || now.isEmpty())) {
            return;
        }
        stop();
        if (!now.isEmpty()) {
            start(ListenAddress.parse(now));
        }
    }

    private void start(ListenAddress listen) {
        InetSocketAddress bind;
        try {
            bind = new InetSocketAddress(listen.inetAddress(), listen.port());
        } catch (java.net.UnknownHostException e) {
            throw ApiException.badRequest("Cannot listen on " + listen.host() + ": unknown host");
        }
        Tls tls = Tls.builder()
                .privateKey(certificate.key())
                .privateKeyCertChain(List.of(certificate.certificate()))
                .trustAll(true)
                .clientAuth(TlsClientAuth.OPTIONAL)
                .enabledProtocols(List.of("TLSv1.3"))
                .build();
        try {
            server = Listener.start(bind, tls, router, this::caller, events, this::wsTrusted, sockets);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw ApiException.badRequest("Cannot listen on " + bind + ": " + root.getMessage());
        }
        address = new ListenAddress(listen.host(), server.port());
        LOG.info("HTTPS listener on " + bind.getAddress().getHostAddress() + ":" + server.port());
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop();
            LOG.info("HTTPS listener stopped");
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
        return new ApiRequest.Caller(cert != null && trust.isTrusted(cert), "tls", req.remotePeer().host(), cert);
    }

    private boolean wsTrusted(WsSession session) {
        X509Certificate cert = clientCertificate(session.socketContext().remotePeer().tlsCertificates());
        return cert != null && trust.isTrusted(cert);
    }

    private static X509Certificate clientCertificate(Optional<Certificate[]> chain) {
        return chain.filter(c -> c.length > 0 && c[0] instanceof X509Certificate).map(c -> (X509Certificate) c[0]).orElse(null);
    }
}
