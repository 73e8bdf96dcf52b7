package io.jlxd.daemon.migration;

import java.io.IOException;
import java.time.Duration;

/**
 * One migration channel ({@code control}, {@code fs} or {@code criu}) whichever side opened the websocket: the one
 * that listens (an operation's channel) or the one that dialled. Binary messages carry data; an empty text message
 * is LXD's "barrier" that ends one stream so that the next can use the same websocket (LXD's {@code shared/ws}).
 */
public interface Conn extends AutoCloseable {
    /** A message: binary {@code data}, or a barrier, or the end of the websocket. */
    record Msg(byte[] data, boolean barrier, boolean end) {
        static final Msg END = new Msg(null, false, true);
        static final Msg BARRIER = new Msg(null, true, false);
    }

    String name();

    /** Sends binary data; an IOException when the peer is gone. */
    void send(byte[] data, int off, int len) throws IOException;

    /** Sends the barrier (an empty text message). */
    void barrier() throws IOException;

    /** The next message, waiting up to {@code timeout} (null: forever); null on timeout. */
    Msg receive(Duration timeout) throws IOException, InterruptedException;

    /** Closes the websocket (the peer sees its end). */
    @Override
    void close();

    default void send(byte[] data) throws IOException {
        send(data, 0, data.length);
    }
}
