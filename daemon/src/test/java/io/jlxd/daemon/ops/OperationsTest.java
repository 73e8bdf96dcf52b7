package io.jlxd.daemon.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.api.Event;
import io.jlxd.api.Operation;
import io.jlxd.api.OperationClass;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OperationsTest {
    private final EventBus bus = new EventBus("test");
    private final List<Event> seen = new CopyOnWriteArrayList<>();
    private final Operations ops = new Operations(bus, "test");

    OperationsTest() {
        bus.subscribe(new EventBus.Subscriber() {
            @Override
            public Set<String> types() {
                return Set.of(Event.OPERATION);
            }

            @Override
            public boolean offer(Event event) {
                return seen.add(event);
            }

            @Override
            public void dropped(String reason) {
            }
        });
    }

    private List<String> statuses(String id) {
        return seen.stream().map(e -> (Operation) e.metadata()).filter(o -> o.id().equals(id)).map(Operation::status).toList();
    }

    @Test
    void taskRunsToSuccessWithEventsForEveryChange() throws Exception {
        Op op = ops.startTask(Operations.Spec.task("work", Map.of("instances", List.of("/1.0/instances/c1"))), ctx -> {
            ctx.updateMetadata(Map.of("progress", "50%"));
            return Map.of("result", 42);
        });
        Operation done = ops.await(op.id(), 5);
        assertEquals("Success", done.status());
        assertEquals(200, done.statusCode());
        assertEquals(42, done.metadata().get("result"));
        assertEquals(List.of("Pending", "Running", "Running", "Running", "Success"), statuses(op.id()));
    }

    @Test
    void failureCarriesTheError() throws Exception {
        Op op = ops.startTask(Operations.Spec.task("boom", Map.of()), ctx -> {
            throw new IllegalStateException("disk on fire");
        });
        Operation done = ops.await(op.id(), 5);
        assertEquals("Failure", done.status());
        assertEquals("disk on fire", done.err());
        assertFalse(done.mayCancel());
    }

    @Test
    void cancellableTaskStopsWhenAsked() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Op op = ops.startTask(new Operations.Spec(OperationClass.TASK, "long", Map.of(), null, true, null), ctx -> {
            started.countDown();
            while (true) {
                ctx.checkCancelled();
                Thread.sleep(5);
            }
        });
        assertTrue(started.await(5, TimeUnit.SECONDS));
        assertEquals("Running", ops.await(op.id(), 0.05).status());
        ops.cancel(op.id());
        assertEquals("Cancelled", ops.await(op.id(), 5).status());
        ApiException again = assertThrows(ApiException.class, () -> ops.cancel(op.id()));
        assertEquals(409, again.status());
    }

    @Test
    void nonCancellableOperationRefusesCancel() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Op op = ops.startTask(Operations.Spec.task("fixed", Map.of()), ctx -> {
            release.await();
            return null;
        });
        ApiException e = assertThrows(ApiException.class, () -> ops.cancel(op.id()));
        assertEquals(400, e.status());
        release.countDown();
        assertEquals("Success", ops.await(op.id(), 5).status());
    }

    @Test
    void heldTokenIsCancelledAtOnceAndRunsItsRevocation() throws Exception {
        CountDownLatch revoked = new CountDownLatch(1);
        Op op = ops.startHeld(new Operations.Spec(OperationClass.TOKEN, "token", Map.of(), Map.of("secret", "s"), true, revoked::countDown));
        assertEquals("Running", op.view().status());
        ops.cancel(op.id());
        assertTrue(revoked.await(1, TimeUnit.SECONDS));
        assertEquals("Cancelled", ops.await(op.id(), 1).status());
        assertEquals(List.of("Pending", "Running", "Cancelled"), statuses(op.id()));
    }

    @Test
    void unknownOperationIs404() {
        assertEquals(404, assertThrows(ApiException.class, () -> ops.get("nope")).status());
    }
}
