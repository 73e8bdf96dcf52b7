package io.jlxd.daemon.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.jlxd.daemon.tls.ServerCertificate;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The open websockets of HTTPS clients (events, exec, console, any operation channel) by the fingerprint of the
 * client certificate they came with, so that revoking a certificate closes them at once.
 */
public final class ClientSockets {
    private static final Logger LOG = Logger.getLogger(ClientSockets.class.getName());
    private final Map<String, Set<WsSession>> byFingerprint = new ConcurrentHashMap<>();
    /** Certificates revoked while this daemon runs: a websocket they open later (with an old secret) is closed. */
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final java.util.function.Predicate<String> trusted;

    /** {@code trusted} tells whether a fingerprint is (again) in the trust store. */
    public ClientSockets(java.util.function.Predicate<String> trusted) {
        this.trusted = trusted;
    }

    /** Closes every websocket opened with this certificate. */
    public void closeAll(String fingerprint) {
        if (!trusted.test(fingerprint)) {
            revoked.add(fingerprint);
        }
        Set<WsSession> sessions = byFingerprint.remove(fingerprint);
        if (sessions == null) {
            return;
        }
        for (WsSession s : sessions) {
            try {
                s.close(WsCloseCodes.VIOLATED_POLICY, "certificate revoked");
            } catch (RuntimeException e) {
                // already gone
            }
            try {
                s.terminate();
            } catch (RuntimeException e) {
                // already gone
            }
        }
        LOG.info("closed " + sessions.size() + " websocket(s) of revoked certificate " + fingerprint);
    }

    /** Wraps a websocket endpoint so that its sessions are tracked by client certificate. */
    public Supplier<WsListener> tracking(Supplier<WsListener> endpoint) {
        return () -> new Tracked(endpoint.get());
    }

    static String fingerprint(WsSession session) {
        Optional<Certificate[]> chain = session.socketContext().remotePeer().tlsCertificates();
        return chain.filter(c -> c.length > 0 && c[0] instanceof X509Certificate)
                .map(c -> ServerCertificate.fingerprint(c[0])).orElse(null);
    }

    private final class Tracked implements WsListener {
        private final WsListener inner;
        private String fingerprint;
        private WsSession guarded;

        Tracked(WsListener inner) {
            this.inner = inner;
        }

        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
            return inner.onHttpUpgrade(prologue, headers);
        }

        @Override
        public void onOpen(WsSession session) {
            fingerprint = fingerprint(session);
            if (fingerprint != null && revoked.contains(fingerprint) && !trusted.test(fingerprint)) {
                session.close(WsCloseCodes.VIOLATED_POLICY, "certificate revoked");
                return;
            }
            if (fingerprint != null) {
                byFingerprint.computeIfAbsent(fingerprint, k -> ConcurrentHashMap.newKeySet()).add(session);
            }
            guarded = fingerprint == null ? session : new Guarded(session, fingerprint);
            inner.onOpen(guarded);
        }

        /** The session the endpoint sees: the same one in every call, so endpoints may key maps by it. */
        private WsSession seen(WsSession session) {
            return guarded != null ? guarded : session;
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            inner.onMessage(seen(session), text, last);
        }

        @Override
        public void onMessage(WsSession session, BufferData buffer, boolean last) {
            inner.onMessage(seen(session), buffer, last);
        }

        @Override
        public void onPing(WsSession session, BufferData buffer) {
            inner.onPing(seen(session), buffer);
        }

        @Override
        public void onPong(WsSession session, BufferData buffer) {
            inner.onPong(seen(session), buffer);
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            forget(session);
            inner.onClose(seen(session), status, reason);
        }

        @Override
        public void onError(WsSession session, Throwable t) {
            forget(session);
            inner.onError(seen(session), t);
        }

        private void forget(WsSession session) {
            if (fingerprint != null) {
                Set<WsSession> s = byFingerprint.get(fingerprint);
                if (s != null) {
                    s.remove(session);
                }
            }
        }
    }

    /**
     * A session whose endpoint closes it itself (an exec ending because its other channel was cut) while its
     * certificate is being revoked: the close carries the revocation, not a normal 1000, whichever closer runs first.
     */
    private final class Guarded implements WsSession {
        private final WsSession s;
        private final String fingerprint;

        Guarded(WsSession s, String fingerprint) {
            this.s = s;
            this.fingerprint = fingerprint;
        }

        @Override
        public WsSession send(String text, boolean last) {
            s.send(text, last);
            return this;
        }

        @Override
        public WsSession send(BufferData buffer, boolean last) {
            s.send(buffer, last);
            return this;
        }

        @Override
        public WsSession ping(BufferData buffer) {
            s.ping(buffer);
            return this;
        }

        @Override
        public WsSession pong(BufferData buffer) {
            s.pong(buffer);
            return this;
        }

        @Override
        public WsSession close(int code, String reason) {
            if (revoked.contains(fingerprint) && !trusted.test(fingerprint)) {
                s.close(WsCloseCodes.VIOLATED_POLICY, "certificate revoked");
            } else {
                s.close(code, reason);
            }
            return this;
        }

        @Override
        public WsSession terminate() {
            s.terminate();
            return this;
        }

        @Override
        public Optional<String> subProtocol() {
            return s.subProtocol();
        }

        @Override
        public io.helidon.common.socket.SocketContext socketContext() {
            return s.socketContext();
        }

        @Override
        public HttpPrologue prologue() {
            return s.prologue();
        }
    }
}
