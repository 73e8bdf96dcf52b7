package io.jlxd.daemon.ops;

import io.jlxd.api.Operation;
import io.jlxd.api.OperationClass;
import io.jlxd.api.StatusCode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A live operation: its state machine (Pending, Running, then Success, Failure or Cancelled) and the wire view.
 * Every change goes through {@link #change}, which notifies the registry so that an event is emitted.
 */
public final class Op implements OperationContext {
    private final String id;
    private final OperationClass operationClass;
    private final String description;
    private final Map<String, List<String>> resources;
    private final String location;
    private final OffsetDateTime createdAt = now();
    private final CompletableFuture<Operation> done = new CompletableFuture<>();
    private final Consumer<Op> onChange;
    private final Runnable onCancel;

    private OffsetDateTime updatedAt = createdAt;
    private StatusCode status = StatusCode.PENDING;
    private Map<String, Object> metadata;
    private boolean mayCancel;
    private String err = "";
    private volatile boolean cancelRequested;
    private final java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean();

    Op(String id, OperationClass operationClass, String description, Map<String, List<String>> resources,
       Map<String, Object> metadata, boolean mayCancel, Runnable onCancel, String location, Consumer<Op> onChange) {
        this.id = id;
        this.operationClass = operationClass;
        this.description = description;
        this.resources = resources == null ? Map.of() : Map.copyOf(resources);
        this.metadata = metadata == null ? null : new LinkedHashMap<>(metadata);
        this.mayCancel = mayCancel;
        this.onCancel = onCancel;
        this.location = location;
        this.onChange = onChange;
    }

    public String description() {
        return description;
    }

    public OffsetDateTime createdAt() {
        return createdAt;
    }

    /** True the first time it is called once the operation is final (so statistics count it once). */
    boolean firstFinalCount() {
        return status().isFinal() && counted.compareAndSet(false, true);
    }

    public String id() {
        return id;
    }

    public OperationClass operationClass() {
        return operationClass;
    }

    public synchronized StatusCode status() {
        return status;
    }

    public synchronized OffsetDateTime updatedAt() {
        return updatedAt;
    }

    /** Completes when the operation reaches a final state, with its final view. */
    public CompletableFuture<Operation> done() {
        return done;
    }

    /** The wire view at this moment. */
    public synchronized Operation view() {
        return new Operation(id, operationClass.wire(), description, createdAt, updatedAt, status.text(), status.code(),
                resources, metadata == null ? null : copy(metadata), mayCancel && !status.isFinal(), err, location);
    }

    @Override
    public void updateMetadata(Map<String, Object> values) {
        change(() -> {
            if (metadata == null) {
                metadata = new LinkedHashMap<>();
            }
            metadata.putAll(values);
        });
    }

    /** A copy of the current metadata (empty when none). */
    public synchronized Map<String, Object> metadata() {
        return metadata == null ? Map.of() : copy(metadata);
    }

    @Override
    public boolean isCancelled() {
        return cancelRequested;
    }

    synchronized boolean mayCancel() {
        return mayCancel;
    }

    void running() {
        transition(StatusCode.RUNNING, "");
    }

    /** Moves to a final state once; later calls are ignored. Returns true if this call finished it. */
    boolean finish(StatusCode finalStatus, String error) {
        return transition(finalStatus, error);
    }

    void requestCancel() {
        cancelRequested = true;
        if (onCancel != null) {
            onCancel.run();
        }
    }

    private boolean transition(StatusCode next, String error) {
        Operation finalView;
        synchronized (this) {
            if (status.isFinal()) {
                return false;
            }
            status = next;
            err = error == null ? "" : error;
            updatedAt = now();
            if (next.isFinal()) {
                mayCancel = false;
            }
            finalView = next.isFinal() ? view() : null;
        }
        onChange.accept(this);
        if (finalView != null) {
            done.complete(finalView);
        }
        return true;
    }

    private void change(Runnable mutation) {
        synchronized (this) {
            mutation.run();
            updatedAt = now();
        }
        onChange.accept(this);
    }

    /** An immutable copy that, unlike Map.copyOf, keeps null values (JSON nulls such as "expires_at"). */
    private static Map<String, Object> copy(Map<String, Object> m) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
