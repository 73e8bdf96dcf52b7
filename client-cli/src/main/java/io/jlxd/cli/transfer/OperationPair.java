package io.jlxd.cli.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.cli.client.ApiException;
import io.jlxd.cli.client.JlxdClient;
import java.io.IOException;

/**
 * The two operations of a migration (the source's and the target's, on two daemons) followed together until both
 * have ended: each round waits up to a second on one of them (long-poll {@code /wait}) and reads the other, and
 * hands both metadata to the progress view. When one fails and the other is still running {@link #GRACE_NANOS}
 * later, the other is cancelled ({@code DELETE}), so that neither daemon is left waiting on a dead peer.
 */
public final class OperationPair {
    static final long GRACE_NANOS = 30_000_000_000L;

    /** One side: its client and operation URL; {@code last} is the last operation object read. */
    static final class Side {
        final String name;
        final JlxdClient client;
        final String operation;
        JsonNode last;
        boolean done;
        boolean gone;

        Side(String name, JlxdClient client, String operation) {
            this.name = name;
            this.client = client;
            this.operation = operation;
        }

        boolean failed() {
            return done && last != null && (last.path("status_code").asInt(0) >= 400 || !last.path("err").asText("").isEmpty());
        }

        String error() {
            if (last == null) {
                return "";
            }
            String err = last.path("err").asText("");
            return err.isEmpty() ? last.path("status").asText("Failure") : err;
        }

        void read(long waitSeconds) throws IOException {
            try {
                JsonNode op = waitSeconds > 0 ? client.await(operation, waitSeconds).metadata() : client.get(operation).metadata();
                last = op;
                done = op.path("status_code").asInt(0) >= 200;
            } catch (ApiException e) {
                if (e.errorCode() != 404) {
                    throw e;
                }
                gone = true; // an ended operation may be forgotten by its daemon after a while
                done = true;
            }
        }

        void cancel() {
            try {
                client.call("DELETE", operation, null, null);
            } catch (IOException e) {
                // it may have ended meanwhile; it is read again below
            }
        }
    }

    /** What both operations ended with. */
    public record Result(JsonNode source, JsonNode target, String sourceError, String targetError) {
        public boolean failed() {
            return sourceError != null || targetError != null;
        }
    }

    private OperationPair() {
    }

    /** Follows both operations to their end (either may be null: then only the other is followed). */
    public static Result follow(JlxdClient sourceClient, String sourceOp, JlxdClient targetClient, String targetOp,
            ProgressView view) throws IOException {
        Side source = sourceOp == null ? null : new Side("source", sourceClient, sourceOp);
        Side target = targetOp == null ? null : new Side("target", targetClient, targetOp);
        long failedAt = 0;
        while (!ended(source) || !ended(target)) {
            Side waitOn = !ended(target) ? target : source;
            Side other = waitOn == target ? source : target;
            waitOn.read(1);
            if (other != null && !other.done) {
                other.read(0);
            }
            if (view != null) {
                view.update(meta(source), meta(target));
            }
            boolean oneFailed = (source != null && source.failed()) || (target != null && target.failed());
            if (oneFailed && failedAt == 0) {
                failedAt = System.nanoTime();
            }
            if (failedAt != 0 && System.nanoTime() - failedAt > GRACE_NANOS) {
                for (Side s : new Side[] {source, target}) {
                    if (s != null && !s.done) {
                        s.cancel();
                        s.read(5);
                        if (!s.done) {
                            s.done = true;
                            s.last = null;
                        }
                    }
                }
            }
        }
        return new Result(source == null ? null : source.last, target == null ? null : target.last,
                source != null && source.failed() ? source.error() : null,
                target != null && target.failed() ? target.error() : null);
    }

    private static boolean ended(Side s) {
        return s == null || s.done;
    }

    private static JsonNode meta(Side s) {
        return s == null || s.last == null ? null : s.last.path("metadata");
    }
}
