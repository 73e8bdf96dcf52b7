package io.jlxd.daemon.migration;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A channel this daemon dialled on the peer's operation ({@code wss://peer/1.0/operations/ID/websocket?secret=S}),
 * through the JDK's websocket client with the peer's certificate pinned ({@link PeerTls}). Incoming messages are
 * requested a few at a time, so a slow consumer holds the sender back (websocket flow control).
 */
final class DialedConn implements Conn {
    private static final int WINDOW = 16;
    private static final Duration CONNECT = Duration.ofSeconds(10);

    private final String name;
    /** Held for as long as the channel lives, so that the client and its selector thread are never collected under it. */
    private final HttpClient client;
    private final BlockingQueue<Msg> queue = new LinkedBlockingQueue<>();
    private volatile WebSocket ws;
    private volatile boolean ended;

    private DialedConn(String name, HttpClient client) {
        this.name = name;
        this.client = client;
    }

    /** Connects to {@code operationUrl} (https://host:port/1.0/operations/ID) with {@code secret}. */
    static DialedConn dial(HttpClient client, String operationUrl, String name, String secret) throws IOException {
        URI base = URI.create(operationUrl);
        if (!"https".equals(base.getScheme()) || base.getHost() == null) {
            throw new IOException("the peer's operation must be an https URL, not \"" + operationUrl + "\"");
        }
        String path = base.getRawPath().endsWith("/") ? base.getRawPath() : base.getRawPath() + "/";
        URI uri = URI.create("wss://" + base.getRawAuthority() + path + "websocket?secret=" + secret);
        DialedConn c = new DialedConn(name, client);
        try {
            c.ws = client.newWebSocketBuilder().connectTimeout(CONNECT).buildAsync(uri, c.listener()).get(CONNECT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable t = e.getCause() == null ? e : e.getCause();
            throw new IOException("cannot connect the " + name + " channel to " + base.getRawAuthority() + ": " + t.getMessage(), t);
        } catch (TimeoutException e) {
            throw new IOException("timed out connecting the " + name + " channel to " + base.getRawAuthority(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return c;
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.request(WINDOW);
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                if (!last) {
                    partial.writeBytes(b);
                    webSocket.request(1);
                    return null;
                }
                if (partial.size() > 0) {
                    partial.writeBytes(b);
                    b = partial.toByteArray();
                    partial.reset();
                }
                queue.add(new Msg(b, false, false));
                return null;
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                if (!last) {
                    webSocket.request(1);
                    return null;
                }
                queue.add(Msg.BARRIER);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                end();
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                end();
            }
        };
    }

    private void end() {
        if (!ended) {
            ended = true;
            queue.add(Msg.END);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(byte[] data, int off, int len) throws IOException {
        requireOpen();
        await(ws.sendBinary(ByteBuffer.wrap(data, off, len), true));
    }

    @Override
    public void barrier() throws IOException {
        requireOpen();
        await(ws.sendText("", true));
    }

    /**
     * Checked before a send, never after: once the message is handed over only its future tells whether it went out.
     * (Checked after, a peer that read the message and closed at once made a delivered final result look failed.)
     */
    private void requireOpen() throws IOException {
        if (ended) {
            throw new IOException("the " + name + " channel is closed");
        }
    }

    private void await(CompletableFuture<WebSocket> f) throws IOException {
        try {
            f.get();
        } catch (ExecutionException e) {
            end(); // what waits for the peer's messages sees the end at once
            throw new IOException("the " + name + " channel failed: " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public Msg receive(Duration timeout) throws InterruptedException {
        Msg m = timeout == null ? queue.take() : queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            return null;
        }
        if (m.end()) {
            queue.add(Msg.END); // later calls see the end too
        } else {
            ws.request(1);
        }
        return m;
    }

    @Override
    public void close() {
        WebSocket w = ws;
        if (w != null && !w.isOutputClosed()) {
            try {
                w.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // gone already
            }
        }
        if (w != null) {
            w.abort();
        }
        end();
    }
}
