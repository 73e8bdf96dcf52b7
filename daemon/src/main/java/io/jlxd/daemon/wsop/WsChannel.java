package io.jlxd.daemon.wsop;

import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsSession;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One named channel of a websocket operation ("0", "1", "2", "control"): what the peer sent arrives as
 * {@link Message}s in order (bounded: a fast sender waits for the consumer), and {@link #send}/{@link #sendText}
 * go to the peer. The end of input (close frame, or the peer gone) is a {@link Message#end()} message.
 */
public final class WsChannel {
    private static final int QUEUE = 256;

    /** Data from the peer: binary data, a text frame, or the end (close or disconnect). */
    public record Message(byte[] data, String text, boolean end) {
        static final Message END = new Message(null, null, true);
    }

    private final String name;
    private final BlockingQueue<Message> incoming = new LinkedBlockingQueue<>(QUEUE);
    private volatile WsSession session;
    private volatile boolean ended;
    private volatile boolean closed;

    WsChannel(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    void attach(WsSession s) {
        session = s;
    }

    void received(Message m) {
        if (ended) {
            return;
        }
        if (m.end()) {
            ended = true;
        }
        try {
            while (!incoming.offer(m, 100, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    return; // nobody consumes any more
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next message from the peer, waiting up to the timeout; null when none arrived. */
    public Message poll(long millis) throws InterruptedException {
        return incoming.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next message from the peer, waiting as long as it takes. */
    public Message take() throws InterruptedException {
        return incoming.take();
    }

    /** Sends binary data; false when the peer is gone. */
    public synchronized boolean send(byte[] data, int off, int len) {
        WsSession s = session;
        if (s == null || closed) {
            return false;
        }
        try {
            s.send(BufferData.create(data, off, len), true);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Sends a text frame; false when the peer is gone. */
    public synchronized boolean sendText(String text) {
        WsSession s = session;
        if (s == null || closed) {
            return false;
        }
        try {
            s.send(text, true);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Sends a ping (the peer's pong keeps the connection from counting as idle); false when the peer is gone. */
    public synchronized boolean ping() {
        WsSession s = session;
        if (s == null || closed) {
            return false;
        }
        try {
            s.ping(BufferData.empty());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Closes the websocket normally (the peer reads it as the end of this stream). */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        WsSession s = session;
        if (s != null) {
            try {
                s.close(WsCloseCodes.NORMAL_CLOSE, "");
            } catch (RuntimeException e) {
                // already gone
            }
        }
        received(Message.END);
    }
}
