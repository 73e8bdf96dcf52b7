package io.jlxd.cli.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiException;
import io.jlxd.cli.client.ApiResponse;
import java.io.IOException;

/**
 * {@code jlxc move} between remotes: a copy that keeps the volatile keys (same MAC addresses), then the source is
 * deleted, as lxc does; which copy depends on the instance:
 * <ul>
 * <li>stopped: a cold copy;</li>
 * <li>running: live (CRIU, run by the daemons, which resume the source if anything fails);</li>
 * <li>running with {@code --stateless}: near-live when both daemons can refresh a copy ({@code container_incremental_copy}):
 * copy while running, stop the source, copy again with {@code refresh} (only what changed), start the target;
 * otherwise cold: stop, copy, start.</li>
 * </ul>
 * Any failure leaves the source as it was: a client-driven stop is undone (the source is started again) and the
 * target's copy removed; the message says what state the source is in.
 */
public final class InstanceMove {
    private final TransferRequest request;
    private final Peer source;
    private final Peer target;
    private final ProgressView view;

    public InstanceMove(TransferRequest request, Peer source, Peer target, ProgressView view) {
        this.request = request;
        this.source = source;
        this.target = target;
        this.view = view;
    }

    /** Moves the instance; returns the report for the final line. */
    public MoveReport run() throws IOException {
        long start = System.nanoTime();
        JsonNode instance = source.client().get(InstanceTransfer.instancePath(request.sourceName())).metadata();
        String status = instance.path("status").asText("");
        boolean running = status.equalsIgnoreCase("Running");
        if (!running && !status.equalsIgnoreCase("Stopped")) {
            throw new CliException("The instance " + request.sourceLabel() + " is " + status
                    + ": only running or stopped instances can be moved");
        }
        InstanceTransfer transfer = new InstanceTransfer(request, source, target, view);
        if (!running) {
            guarded(() -> transfer.run(instance, false, true, false), false);
            deleteSource();
            return new MoveReport(MoveReport.Kind.COLD, null, millis(start));
        }
        if (!request.stateless()) {
            OperationPair.Result r = guarded(() -> transfer.run(instance, true, true, false), false);
            deleteSource();
            return MoveReport.fromOperations(r.source(), r.target(), MoveReport.Kind.LIVE, millis(start));
        }
        boolean nearLive = source.hasExtension("container_incremental_copy") && target.hasExtension("container_incremental_copy");
        long down;
        if (nearLive) {
            guarded(() -> transfer.run(instance, false, true, false), false);
            long stop = System.nanoTime();
            stopSourceOrUndo();
            guarded(() -> transfer.run(instance, false, true, true), true);
            startTargetOrUndo();
            down = millis(stop);
        } else {
            long stop = System.nanoTime();
            stopSourceOrUndo();
            guarded(() -> transfer.run(instance, false, true, false), true);
            startTargetOrUndo();
            down = millis(stop);
        }
        deleteSource();
        return new MoveReport(nearLive ? MoveReport.Kind.NEAR_LIVE : MoveReport.Kind.COLD, down, millis(start));
    }

    private interface Step {
        OperationPair.Result run() throws IOException;
    }

    /**
     * Runs a transfer step; on failure removes a copy the target may hold (only one this move made: the target's
     * instance did not exist before) and, when the client stopped the source, starts it again; then fails with the
     * source's state.
     */
    private OperationPair.Result guarded(Step step, boolean sourceStoppedByUs) throws IOException {
        try {
            return step.run();
        } catch (IOException | RuntimeException e) {
            throw undo(e, sourceStoppedByUs);
        }
    }

    private CliException undo(Exception cause, boolean sourceStoppedByUs) {
        StringBuilder msg = new StringBuilder(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        removeTargetCopy(msg);
        if (sourceStoppedByUs) {
            try {
                changeState(source, request.sourceName(), "start");
            } catch (IOException | RuntimeException e) {
                msg.append("; starting the source again failed: ").append(e.getMessage());
            }
        }
        msg.append(". ").append(sourceState());
        return new CliException(msg.toString());
    }

    /** Removes the target's instance if this move created it (the move was refused up front when the name existed). */
    private void removeTargetCopy(StringBuilder msg) {
        if (!createdOnTarget) {
            return;
        }
        String path = InstanceTransfer.instancePath(request.destName());
        try {
            JsonNode inst = target.client().get(path).metadata();
            if (!inst.path("status").asText("").equalsIgnoreCase("Stopped")) {
                changeState(target, request.destName(), "stop", true);
            }
            target.client().waitSuccess(target.client().call("DELETE", path, null, null).operation());
        } catch (ApiException e) {
            if (e.errorCode() != 404) {
                msg.append("; removing the partial copy on ").append(request.destLabel()).append(" failed: ").append(e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            msg.append("; removing the partial copy on ").append(request.destLabel()).append(" failed: ").append(e.getMessage());
        }
    }

    /** True once the target name was checked free: a copy found there later is this move's. */
    private boolean createdOnTarget;

    /** Refuses before anything happens when the target already has the name (lxc would fail later, the same way). */
    public void checkTargetFree() throws IOException {
        try {
            target.client().get(InstanceTransfer.instancePath(request.destName()));
            throw new CliException("The instance \"" + request.destName() + "\" already exists on remote \""
                    + target.remote() + "\"; nothing was moved. " + sourceState());
        } catch (ApiException e) {
            if (e.errorCode() != 404) {
                throw e;
            }
        }
        createdOnTarget = true;
    }

    /** "The source local:c1 is Running, as it was." */
    String sourceState() {
        try {
            String st = source.client().get(InstanceTransfer.instancePath(request.sourceName()) + "/state").metadata()
                    .path("status").asText("unknown");
            return "The source " + request.sourceLabel() + " is " + st + " and was left in place";
        } catch (IOException | RuntimeException e) {
            return "The state of the source " + request.sourceLabel() + " could not be read: " + e.getMessage();
        }
    }

    private void stopSourceOrUndo() throws IOException {
        view.step("Stopping " + request.sourceLabel());
        try {
            changeState(source, request.sourceName(), "stop", false);
        } catch (IOException | RuntimeException e) {
            CliException failed = undo(new IOException("Stopping the source failed: " + e.getMessage()), false);
            throw failed;
        }
    }

    private void startTargetOrUndo() throws IOException {
        view.step("Starting " + request.destLabel());
        try {
            changeState(target, request.destName(), "start");
        } catch (IOException | RuntimeException e) {
            throw undo(new IOException("Starting the copy on the target failed: " + e.getMessage()), true);
        }
    }

    /** Deletes the source after a successful copy (stopping it first if it still runs, as lxc's move does). */
    private void deleteSource() throws IOException {
        String path = InstanceTransfer.instancePath(request.sourceName());
        try {
            JsonNode inst = source.client().get(path).metadata();
            if (!inst.path("status").asText("").equalsIgnoreCase("Stopped")) {
                changeState(source, request.sourceName(), "stop", true);
            }
            source.client().waitSuccess(source.client().call("DELETE", path, null, null).operation());
        } catch (ApiException e) {
            if (e.errorCode() == 404) {
                return; // the source daemon removed it itself once the target had it
            }
            throw new CliException("The instance now runs on " + request.destLabel()
                    + ", but deleting the original " + request.sourceLabel() + " failed: " + e.getMessage());
        }
    }

    static void changeState(Peer peer, String name, String action) throws IOException {
        changeState(peer, name, action, false);
    }

    static void changeState(Peer peer, String name, String action, boolean force) throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("action", action);
        body.put("timeout", action.equals("stop") && !force ? 60 : -1);
        body.put("force", force);
        body.put("stateful", false);
        ApiResponse r = peer.client().call("PUT", InstanceTransfer.instancePath(name) + "/state", body, null);
        if (r.isAsync()) {
            peer.client().waitSuccess(r.operation());
        }
    }

    private static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
