package io.jlxd.tests;

import io.restassured.config.HttpClientConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import org.apache.http.conn.ClientConnectionManager;
import org.apache.http.conn.scheme.Scheme;
import org.apache.http.conn.scheme.SchemeRegistry;
import org.apache.http.conn.scheme.SchemeSocketFactory;
import org.apache.http.impl.client.AbstractHttpClient;
import org.apache.http.impl.client.DefaultHttpClient;
import org.apache.http.impl.conn.PoolingClientConnectionManager;
import org.apache.http.params.HttpConnectionParams;
import org.apache.http.params.HttpParams;

/**
 * Apache HttpClient 4 (what REST Assured 6 runs on; it insists on an {@link AbstractHttpClient}) whose {@code http}
 * scheme connects to a Unix socket whatever the host and port of the URL. Bodies are read by Content-Length or
 * chunked encoding as HttpClient always does, never by waiting for EOF.
 */
@SuppressWarnings("deprecation")
public final class UnixSocketHttpClient {
    /** Bound on any single read of an answer (the longest documented wait in the tests is a few seconds). */
    public static final int READ_TIMEOUT_MS = 120_000;
    private UnixSocketHttpClient() {
    }

    /** A socket factory for HttpClient 4's scheme registry: every connection goes to {@code socket}. */
    static final class UnixSchemeSocketFactory implements SchemeSocketFactory {
        private final Path socket;

        UnixSchemeSocketFactory(Path socket) {
            this.socket = socket;
        }

        @Override
        public Socket createSocket(HttpParams params) throws IOException {
            return new UnixSocket(socket);
        }

        @Override
        public Socket connectSocket(Socket sock, InetSocketAddress remoteAddress, InetSocketAddress localAddress,
                                    HttpParams params) throws IOException {
            return sock != null ? sock : new UnixSocket(socket);
        }

        @Override
        public boolean isSecure(Socket sock) {
            return false;
        }
    }

    /** A new client whose plain-HTTP connections all go to the Unix socket. */
    public static DefaultHttpClient create(Path socket) {
        SchemeRegistry registry = new SchemeRegistry();
        registry.register(new Scheme("http", 80, new UnixSchemeSocketFactory(socket)));
        ClientConnectionManager manager = new PoolingClientConnectionManager(registry);
        DefaultHttpClient client = new DefaultHttpClient(manager);
        // No request of the tests may hang forever: a read that waits longer than this fails the test.
        HttpConnectionParams.setSoTimeout(client.getParams(), READ_TIMEOUT_MS);
        return client;
    }

    /** REST Assured's HTTP client configuration that reuses {@code client} (and its connection pool). */
    public static HttpClientConfig config(AbstractHttpClient client) {
        return HttpClientConfig.httpClientConfig().reuseHttpClientInstance().httpClientFactory(() -> client);
    }
}
