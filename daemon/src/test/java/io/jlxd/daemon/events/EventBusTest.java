package io.jlxd.daemon.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.api.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventBusTest {
    static final class Sink implements EventBus.Subscriber {
        final Set<String> types;
        final int capacity;
        final List<Event> got = new ArrayList<>();
        String dropped;

        Sink(Set<String> types, int capacity) {
            this.types = types;
            this.capacity = capacity;
        }

        @Override
        public Set<String> types() {
            return types;
        }

        @Override
        public boolean offer(Event event) {
            return got.size() < capacity && got.add(event);
        }

        @Override
        public void dropped(String reason) {
            dropped = reason;
        }
    }

    @Test
    void deliversOnlyRequestedTypes() {
        EventBus bus = new EventBus("host1");
        Sink ops = new Sink(Set.of(Event.OPERATION), 10);
        Sink life = new Sink(Set.of(Event.LIFECYCLE), 10);
        bus.subscribe(ops);
        bus.subscribe(life);
        bus.publish(Event.OPERATION, "x");
        bus.lifecycle("config-updated", "/1.0", null, null);
        assertEquals(1, ops.got.size());
        assertEquals("host1", ops.got.getFirst().location());
        assertEquals(1, life.got.size());
        assertEquals("config-updated", ((EventBus.Lifecycle) life.got.getFirst().metadata()).action());
        assertTrue(bus.hasSubscribers(Event.LIFECYCLE));
        assertFalse(bus.hasSubscribers(Event.LOGGING));
    }

    @Test
    void dropsASubscriberThatFallsBehind() {
        EventBus bus = new EventBus("h");
        Sink slow = new Sink(Set.of(Event.OPERATION), 2);
        bus.subscribe(slow);
        for (int i = 0; i < 5; i++) {
            bus.publish(Event.OPERATION, i);
        }
        assertEquals(2, slow.got.size());
        assertTrue(slow.dropped != null && slow.dropped.contains("slow"));
        assertFalse(bus.hasSubscribers(Event.OPERATION));
    }
}
