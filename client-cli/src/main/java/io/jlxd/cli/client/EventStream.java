package io.jlxd.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.cli.client.ws.Message;
import io.jlxd.cli.client.ws.WebSocket;
import java.io.Closeable;
import java.io.IOException;

/**
 * The {@code /1.0/events} WebSocket as a sequence of JSON events
 * ({@code type, timestamp, location, project, metadata}).
 */
public final class EventStream implements Closeable {
    private final WebSocket socket;

    public EventStream(WebSocket socket) {
        this.socket = socket;
    }

    /** The next event, or null when the server closed the stream. Binary messages are ignored. */
    public JsonNode next() throws IOException {
        while (true) {
            Message message = socket.receive();
            if (message == null) {
                return null;
            }
            if (message.isText()) {
                return JsonTree.parse(message.data());
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
