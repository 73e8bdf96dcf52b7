package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.client.ApiException;
import io.jlxd.cli.client.ApiResponse;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Waits for the operation of an async answer, like lxc's progress renderer: a label ("Creating c1") on stderr,
 * then each new progress value the operation's metadata reports (keys named {@code progress} or ending in
 * {@code _progress}), unless {@code -q}. A failed operation becomes an {@link ApiException} with its error.
 */
final class Progress {
    private Progress() {
    }

    /** Waits for {@code answer}'s operation if it is async; returns the final operation (or the sync metadata). */
    static JsonNode finish(CliContext ctx, ApiResponse answer, String label) throws IOException {
        if (label != null && !ctx.quiet()) {
            ctx.err().println(label);
        }
        if (!answer.isAsync()) {
            return answer.metadata();
        }
        String shown = null;
        while (true) {
            JsonNode op = ctx.client().await(answer.operation(), 1).metadata();
            int code = op.path("status_code").asInt(0);
            if (code >= 200) {
                String err = op.path("err").asText("");
                if (code >= 400 || !err.isEmpty()) {
                    throw new ApiException(400, err.isEmpty() ? op.path("status").asText("Failure") : err);
                }
                return op;
            }
            String progress = progress(op.path("metadata"));
            if (label != null && progress != null && !progress.equals(shown) && !ctx.quiet()) {
                ctx.err().println(label + ": " + progress);
                shown = progress;
            }
        }
    }

    /** The progress text in an operation's metadata, or null. */
    static String progress(JsonNode metadata) {
        if (metadata == null || !metadata.isObject()) {
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if ((e.getKey().equals("progress") || e.getKey().endsWith("_progress")) && e.getValue().isValueNode()) {
                return e.getValue().asText();
            }
        }
        return null;
    }
}
