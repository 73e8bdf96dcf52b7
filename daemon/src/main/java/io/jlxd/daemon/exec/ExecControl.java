package io.jlxd.daemon.exec;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.Json;

/**
 * A message on an exec's control websocket (LXD's {@code InstanceExecControl}):
 * {@code {"command":"window-resize","args":{"width":"80","height":"24"}}} or
 * {@code {"command":"signal","signal":15}}.
 */
public sealed interface ExecControl {
    record Resize(int width, int height) implements ExecControl {
    }

    record Signal(int signal) implements ExecControl {
    }

    /** Parses one control message; IllegalArgumentException names what is wrong. */
    static ExecControl parse(String text) {
        JsonNode n;
        try {
            n = Json.strict().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException("control message is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("control message must be a JSON object");
        }
        String command = n.path("command").asText("");
        return switch (command) {
            case "window-resize" -> {
                JsonNode args = n.path("args");
                int w = number(args.path("width"), "width");
                int h = number(args.path("height"), "height");
                if (w < 1 || h < 1 || w > 0xffff || h > 0xffff) {
                    throw new IllegalArgumentException("window size out of range: " + w + "x" + h);
                }
                yield new Resize(w, h);
            }
            case "signal" -> {
                int s = number(n.path("signal"), "signal");
                if (s < 1 || s > 64) {
                    throw new IllegalArgumentException("invalid signal number: " + s);
                }
                yield new Signal(s);
            }
            default -> throw new IllegalArgumentException("unknown control command \"" + command + "\"");
        };
    }

    /** LXD sends the window size as strings; accept numbers too. */
    private static int number(JsonNode v, String field) {
        if (v.isInt()) {
            return v.intValue();
        }
        if (v.isTextual()) {
            try {
                return Integer.parseInt(v.textValue().strip());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new IllegalArgumentException("control message: \"" + field + "\" must be a number");
    }
}
