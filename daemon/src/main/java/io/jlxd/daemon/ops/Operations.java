package io.jlxd.daemon.ops;

import io.jlxd.api.Event;
import io.jlxd.api.Operation;
import io.jlxd.api.OperationClass;
import io.jlxd.api.StatusCode;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The registry of background operations. Task work runs on virtual threads; every state or metadata change is
 * published as an {@code operation} event. Finished operations stay visible for {@link #RETENTION} so that late
 * {@code wait} calls and {@code jlxc operation list} still see them.
 */
public final class Operations {
    public static final Duration RETENTION = Duration.ofMinutes(5);
    private static final int MAX_FINISHED = 1000;
    private static final Logger LOG = Logger.getLogger(Operations.class.getName());

    private final Map<String, Op> ops = new ConcurrentHashMap<>();
    private volatile Runnable failureListener;
    private final OperationStats stats = new OperationStats();
    private final EventBus events;
    private final String location;

    public Operations(EventBus events, String location) {
        this.events = events;
        this.location = location;
    }

    /** What to create: class, description, resources, initial metadata, and how it may be cancelled. */
    public record Spec(OperationClass operationClass, String description, Map<String, List<String>> resources,
                       Map<String, Object> metadata, boolean mayCancel, Runnable onCancel) {
        public static Spec task(String description, Map<String, List<String>> resources) {
            return new Spec(OperationClass.TASK, description, resources, null, false, null);
        }
    }

    /** Starts a task operation whose work runs in the background. */
    public Op startTask(Spec spec, OperationWork work) {
        Op op = register(spec);
        Thread.ofVirtual().name("op-" + op.id()).start(() -> run(op, work));
        return op;
    }

    /** Creates an operation that stays Running until {@link #complete} or a cancel (tokens, websockets). */
    public Op startHeld(Spec spec) {
        Op op = register(spec);
        op.running();
        return op;
    }

    /** The same with a given id: an operation restored at start (an open trust token keeps its id). */
    public Op startHeld(String id, Spec spec) {
        Op op = register(id, spec);
        op.running();
        return op;
    }

    private Op register(Spec spec) {
        return register(UUID.randomUUID().toString(), spec);
    }

    private Op register(String id, Spec spec) {
        prune();
        Op op = new Op(id, spec.operationClass(), spec.description(), spec.resources(),
                spec.metadata(), spec.mayCancel(), spec.onCancel(), location, this::changed);
        ops.put(op.id(), op);
        changed(op);
        return op;
    }

    private void run(Op op, OperationWork work) {
        ActivityGate.GLOBAL.enter();
        try {
            runGated(op, work);
        } finally {
            ActivityGate.GLOBAL.exit();
        }
        if (op.status() == StatusCode.FAILURE) {
            Runnable l = failureListener;
            if (l != null) {
                l.run();
            }
        }
    }

    /** Called after an operation failed (the garbage collector asks for a pass). */
    public void onFailure(Runnable listener) {
        this.failureListener = listener;
    }

    /** True when no task or websocket operation is pending or running (open trust tokens do not count). */
    public boolean quiet() {
        for (Op op : ops.values()) {
            if (op.operationClass() != io.jlxd.api.OperationClass.TOKEN && !op.status().isFinal()) {
                return false;
            }
        }
        return true;
    }

    private void runGated(Op op, OperationWork work) {
        op.running();
        try {
            Map<String, Object> result = work.run(op);
            if (result != null && !result.isEmpty()) {
                op.updateMetadata(result);
            }
            op.finish(op.isCancelled() ? StatusCode.CANCELLED : StatusCode.SUCCESS, op.isCancelled() ? "operation cancelled" : "");
        } catch (CancellationException e) {
            op.finish(StatusCode.CANCELLED, e.getMessage() == null ? "operation cancelled" : e.getMessage());
        } catch (ApiException e) {
            op.finish(StatusCode.FAILURE, e.getMessage());
        } catch (Exception e) {
            LOG.log(Level.WARNING, "operation " + op.id() + " failed", e);
            op.finish(StatusCode.FAILURE, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Ends a held operation successfully. */
    public void complete(Op op) {
        op.finish(StatusCode.SUCCESS, "");
    }

    /** Ends a held operation with an error. */
    public void fail(Op op, String error) {
        op.finish(StatusCode.FAILURE, error);
    }

    public Optional<Op> find(String id) {
        return Optional.ofNullable(ops.get(id));
    }

    public Op get(String id) {
        return find(id).orElseThrow(() -> ApiException.notFound("Operation not found: " + id));
    }

    public Collection<Op> all() {
        return List.copyOf(ops.values());
    }

    /** Cancels an operation: 400 when it can't be cancelled, 409 when it already finished. */
    public void cancel(String id) {
        Op op = get(id);
        if (op.status().isFinal()) {
            throw ApiException.conflict("Operation " + id + " already finished (" + op.status().text() + ")");
        }
        if (!op.mayCancel()) {
            throw ApiException.badRequest("This operation can't be cancelled");
        }
        op.requestCancel();
        if (op.operationClass() != OperationClass.TASK) {
            op.finish(StatusCode.CANCELLED, "operation cancelled");
        }
    }

    /** Waits for the final state up to the timeout (negative = forever) and returns the current view. */
    public Operation await(String id, double timeoutSeconds) throws InterruptedException {
        Op op = get(id);
        try {
            if (timeoutSeconds < 0) {
                return op.done().get();
            }
            return op.done().get((long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return op.view();
        } catch (ExecutionException e) {
            return op.view();
        }
    }

    /** Waits for every running operation to finish, up to the timeout (used at shutdown). */
    public boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Op op : all()) {
            if (op.operationClass() != OperationClass.TASK) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                op.done().get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                // finished with an error: fine for draining
            }
        }
        return true;
    }

    private void changed(Op op) {
        events.publish(Event.OPERATION, op.view());
        if (op.firstFinalCount()) {
            stats.record(op.description(), op.status().text(), Duration.between(op.createdAt(), op.updatedAt()).toNanos() / 1e9);
        }
    }

    /** Counts and durations of finished operations (for metrics). */
    public OperationStats stats() {
        return stats;
    }

    /** Forgets finished operations older than the retention, and the oldest beyond the cap. */
    void prune() {
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(RETENTION);
        List<Op> finished = new ArrayList<>();
        for (Op op : ops.values()) {
            if (op.status().isFinal()) {
                if (op.updatedAt().isBefore(cutoff)) {
                    ops.remove(op.id());
                } else {
                    finished.add(op);
                }
            }
        }
        if (finished.size() > MAX_FINISHED) {
            finished.sort((a, b) -> a.updatedAt().compareTo(b.updatedAt()));
            finished.subList(0, finished.size() - MAX_FINISHED).forEach(o -> ops.remove(o.id()));
        }
    }
}
