package io.jlxd.daemon.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/** A bounded parallel map on virtual threads, in order: for listings whose items each wait on something else. */
final class Parallel {
    static final int WIDTH = 8;

    private Parallel() {
    }

    /** {@code f} of each item, at most {@link #WIDTH} at a time; the first failure is rethrown (unchecked). */
    static <T, R> List<Object> map(List<T> items, Function<T, R> f) {
        if (items.size() < 2) {
            return items.stream().map(i -> (Object) f.apply(i)).toList();
        }
        Semaphore slots = new Semaphore(WIDTH);
        try (var ex = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(ex.submit(() -> {
                    slots.acquire();
                    try {
                        return f.apply(item);
                    } finally {
                        slots.release();
                    }
                }));
            }
            List<Object> out = new ArrayList<>(items.size());
            for (Future<R> fu : futures) {
                out.add(fu.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
