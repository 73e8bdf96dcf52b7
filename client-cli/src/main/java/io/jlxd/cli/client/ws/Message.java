package io.jlxd.cli.client.ws;

import java.nio.charset.StandardCharsets;

/** One complete (reassembled) data message: text (valid UTF-8) or binary. */
public record Message(boolean isText, byte[] data) {

    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }
}
