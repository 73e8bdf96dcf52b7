package io.jlxd.daemon.migration;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One step of a migration run beside the caller's (the final file system pass while CRIU dumps; the state received
 * while the final pass is): {@link #join} gives its time or rethrows what it threw; {@link #cancel} interrupts it when
 * the caller failed (its stream ends; the caller's failure is the one reported).
 */
final class Background {
    interface Step {
        void run() throws Exception;
    }

    private final FutureTask<Long> task;

    private Background(FutureTask<Long> task) {
        this.task = task;
    }

    static Background start(String name, Step step) {
        FutureTask<Long> t = new FutureTask<>(() -> {
            long t0 = System.nanoTime();
            step.run();
            return (System.nanoTime() - t0) / 1_000_000;
        });
        Thread.ofPlatform().name(name).daemon(true).start(t);
        return new Background(t);
    }

    /** Waits for the step; its milliseconds. */
    long join(Duration max) throws Exception {
        try {
            return task.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new java.io.IOException("a migration step did not end within " + max.toSeconds() + " s");
        }
    }

    /** Interrupts the step if it still runs and waits a little for it to stop. */
    void cancel() {
        if (!task.isDone()) {
            task.cancel(true);
        }
    }
}
