package io.jlxd.daemon.util;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Undo steps declared next to the steps they undo (after Incus's {@code revert} package): a multi-step operation
 * opens a reverter, adds an undo step after each step that succeeded, and calls {@link #success()} at the end. If
 * anything throws before that, {@link #close()} runs the undo steps in reverse order. An undo step that fails does
 * not stop the others; its failure goes to the reporter (the daemon's warnings) and is attached to the original
 * exception as a suppressed one by the caller's try-with-resources.
 *
 * <pre>
 * try (Reverter r = new Reverter(reporter)) {
 *     storage.create(name);
 *     r.add("delete the volume of " + name, () -> storage.delete(name));
 *     table.insert(row);
 *     r.success();
 * }
 * </pre>
 */
public final class Reverter implements AutoCloseable {
    /** One undo step. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    /** An undo step that failed: what it was meant to undo, and why it could not. */
    public static final class UndoFailedException extends RuntimeException {
        UndoFailedException(String what, Throwable cause) {
            super("could not " + what + ": " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
        }
    }

    private record Named(String what, Step step) {
    }

    private final Deque<Named> steps = new ArrayDeque<>();
    private final Consumer<UndoFailedException> reporter;
    private boolean armed = true;

    /** @param reporter receives each undo step that failed (e.g. to record a warning) */
    public Reverter(Consumer<UndoFailedException> reporter) {
        this.reporter = reporter;
    }

    /** A reverter whose failed undo steps are only thrown (as suppressed exceptions of the original one). */
    public Reverter() {
        this(e -> { });
    }

    /** Adds the undo step of the step that just succeeded. */
    public void add(String what, Step undo) {
        steps.push(new Named(what, undo));
    }

    /** Every step succeeded: nothing is undone. */
    public void success() {
        armed = false;
        steps.clear();
    }

    /**
     * Runs the undo steps (last first) unless {@link #success()} was called. Throws the failures of undo steps
     * (the first, with the others suppressed), which try-with-resources attaches to the exception in flight.
     */
    @Override
    public void close() {
        if (!armed) {
            return;
        }
        armed = false;
        List<UndoFailedException> failed = new ArrayList<>();
        while (!steps.isEmpty()) {
            Named n = steps.pop();
            try {
                n.step().run();
            } catch (Exception e) {
                UndoFailedException u = new UndoFailedException(n.what(), e);
                failed.add(u);
                reporter.accept(u);
            }
        }
        if (!failed.isEmpty()) {
            UndoFailedException first = failed.getFirst();
            failed.subList(1, failed.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
