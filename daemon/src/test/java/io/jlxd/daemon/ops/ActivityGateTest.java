package io.jlxd.daemon.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ActivityGateTest {
    @Test
    void anExclusivePassBeginsOnlyWhenNothingIsActive() {
        ActivityGate g = new ActivityGate();
        g.enter();
        assertFalse(g.tryBeginExclusive());
        g.exit();
        assertTrue(g.tryBeginExclusive());
        assertFalse(g.tryBeginExclusive(), "one pass at a time");
        g.endExclusive();
    }

    @Test
    void newWorkWaitsForTheExclusivePass() throws Exception {
        ActivityGate g = new ActivityGate();
        assertTrue(g.tryBeginExclusive());
        CountDownLatch entered = new CountDownLatch(1);
        Thread t = Thread.ofVirtual().start(() -> {
            g.enter();
            entered.countDown();
        });
        assertFalse(entered.await(200, TimeUnit.MILLISECONDS), "held back while the pass runs");
        g.endExclusive();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        t.join();
        assertEquals(1, g.active());
    }
}
