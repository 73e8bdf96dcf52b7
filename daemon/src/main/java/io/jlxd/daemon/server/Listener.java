package io.jlxd.daemon.server;

import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsSession;
import io.jlxd.api.Paths;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.events.EventsSocket;
import io.jlxd.daemon.http.Dispatcher;
import io.jlxd.daemon.http.Router;
import io.jlxd.daemon.wsop.OperationSocket;
import io.jlxd.daemon.wsop.WsOperations;
import java.net.SocketAddress;
import java.time.Duration;
import io.jlxd.api.Event;
import java.util.function.Function;
import java.util.function.Predicate;

/** Builds one Helidon server (a listener) that serves the whole API on one address: the Unix socket or HTTPS. */
public final class Listener {
    /** Open connections per listener; more wait in the kernel's accept queue. */
    public static final int MAX_CONNECTIONS = 1024;
    /** Requests handled at once per listener (websockets and long-polls included); more get 503. */
    public static final int MAX_CONCURRENT_REQUESTS = 512;

    /**
     * Idle time after which an HTTPS connection is closed: short, so that nobody (untrusted callers get one request
     * per connection anyway) holds connections open; HTTP clients reconnect, and websockets are kept busy by pings
     * ({@code WsKeepAlive}). The Unix socket keeps Helidon's usual 10 minutes.
     */
    public static final Duration HTTPS_IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** The Origin headers websocket clients send over a Unix socket (ws4py, websocket-client). */
    static final java.util.Set<String> UNIX_ORIGINS = java.util.Set.of("ws+unix://localhost", "http://localhost",
            "ws://localhost", "http://unix.socket", "ws://unix.socket");

    private Listener() {
    }

    public static WebServer start(SocketAddress address, Tls tls, Router router, Dispatcher.CallerResolver callers,
                                  EventBus events, Function<WsSession, Predicate<Event>> eventAccess, WsOperations sockets,
                                  ClientSockets clients) {
        Dispatcher dispatcher = new Dispatcher(router, callers);
        io.helidon.webserver.WebServerConfig.Builder b = WebServer.builder()
                .bindAddress(address)
                .shutdownHook(false)
                .maxPayloadSize(-1)
                .maxTcpConnections(MAX_CONNECTIONS)
                .maxConcurrentRequests(MAX_CONCURRENT_REQUESTS)
                .idleConnectionTimeout(tls != null ? HTTPS_IDLE_TIMEOUT : Duration.ofMinutes(10))
                .idleConnectionPeriod(Duration.ofSeconds(5))
                .routing(HttpRouting.builder().any(dispatcher))
                .directHandlers(d -> {
                    for (io.helidon.http.DirectHandler.EventType t : io.helidon.http.DirectHandler.EventType.values()) {
                        d.addHandler(t, Dispatcher.transportErrors());
                    }
                })
                .addRouting(WsRouting.builder()
                        .endpoint(Paths.EVENTS, clients.tracking(() -> new EventsSocket(events, eventAccess)))
                        .endpoint(OperationSocket.PATH, clients.tracking(() -> new OperationSocket(sockets))));
        if (tls != null) {
            b.tls(tls);
            // Nagle off (Helidon's default is on): a migration's rsync streams and exec sessions are request/answer
            // exchanges of small websocket messages, which Nagle with the peer's delayed ACK stalls ~40 ms each
            b.connectionOptions(o -> o.tcpNoDelay(true));
        } else {
            // The Unix socket: no browser can reach it, so Origin means nothing there, but Helidon compares it with
            // Host and fails on "Host: localhost:None" (pylxd's ws4py). Origins listed here are accepted as they are.
            b.addProtocol(io.helidon.webserver.websocket.WsConfig.builder().origins(UNIX_ORIGINS).build());
            // LXD (Go's net/http) does not look at Host's port; clients of the socket send what they like there
            // (pylxd's ws4py: "Host: localhost:None"), which Helidon's header validation refuses with 400. Only here:
            // HTTPS keeps Helidon's validation (and with it the idle-connection handling its tests check).
            b.addProtocol(io.helidon.webserver.http1.Http1Config.builder().validateRequestHeaders(false)
                    .validateRequestHostHeader(false).build());
        }
        return b.build().start();
    }
}
