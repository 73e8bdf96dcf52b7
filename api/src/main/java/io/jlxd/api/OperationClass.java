package io.jlxd.api;

import com.fasterxml.jackson.annotation.JsonValue;

/** LXD's operation classes: task (runs work), websocket (waits for websocket peers), token (holds a secret). */
public enum OperationClass {
    TASK("task"), WEBSOCKET("websocket"), TOKEN("token");

    private final String wire;

    OperationClass(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }
}
