package io.jlxd.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTPS client of one daemon listener, presenting a client certificate (or none), as jlxc or lxc would:
 * plain requests and websockets (events, operation channels).
 */
public final class HttpsClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final HttpClient http;

    public HttpsClient(int port, ClientIdentity id) {
        this.base = "https://127.0.0.1:" + port;
        this.http = HttpClient.newBuilder().sslContext(ClientIdentity.sslContext(id)).connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** A response: status and body (JSON when it is JSON). */
    public record Answer(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public JsonNode metadata() {
            return json().get("metadata");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Answer get(String path) {
        return send("GET", path, null);
    }

    public Answer send(String method, String path, String jsonBody) {
        return send(method, path, jsonBody, null);
    }

    public Answer send(String method, String path, String jsonBody, String ifMatch) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
        }
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        b.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    /** A websocket on this listener (e.g. "/1.0/events" or an operation channel) that records what happens. */
    public Ws websocket(String pathAndQuery) throws Exception {
        Ws listener = new Ws();
        listener.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(base.replace("https:", "wss:") + pathAndQuery), listener).get(30, TimeUnit.SECONDS);
        return listener;
    }

    /** Messages received and whether (and how) the server closed the websocket. */
    public static final class Ws implements WebSocket.Listener {
        public final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        public final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, java.nio.ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            messages.add(new String(b, java.nio.charset.StandardCharsets.UTF_8));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closed.complete(status + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete("error " + error);
        }

        public WebSocket socket() {
            return socket;
        }

        /** Waits for a message containing {@code part}; fails after the timeout. */
        public String await(String part, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                String m = messages.poll(Math.max(1, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
                if (m != null && m.contains(part)) {
                    return m;
                }
            }
            throw new AssertionError("no websocket message containing " + part + " within " + timeout);
        }

        /** All messages received so far. */
        public List<String> drain() {
            List<String> out = new java.util.ArrayList<>();
            messages.drainTo(out);
            return out;
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
