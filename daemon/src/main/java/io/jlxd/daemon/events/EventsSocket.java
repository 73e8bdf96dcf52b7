package io.jlxd.daemon.events;

import io.helidon.common.parameters.Parameters;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.jlxd.api.Event;
import io.jlxd.api.Json;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One {@code /1.0/events} websocket connection: subscribes to the bus with the requested types and sends each
 * event as a JSON text frame from its own virtual thread, so that a slow client never blocks the publisher.
 */
public final class EventsSocket implements WsListener, EventBus.Subscriber {
    public static final Set<String> TYPES = Set.of(Event.OPERATION, Event.LIFECYCLE, Event.LOGGING);
    private static final int QUEUE = 1024;

    private final EventBus bus;
    private final Function<WsSession, Predicate<Event>> access;
    private volatile Predicate<Event> visible = e -> true;
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
    private volatile Set<String> types = TYPES;
    /** The one project whose events this connection gets (besides server-wide ones), null for all. */
    private volatile String project;
    private volatile boolean closed;
    private volatile String dropReason;

    /**
     * {@code access} decides per connection: null refuses it (untrusted), otherwise it is the filter of the events
     * this caller may see (everything for full trust; project-scoped ones for a restricted certificate).
     */
    public EventsSocket(EventBus bus, Function<WsSession, Predicate<Event>> access) {
        this.bus = bus;
        this.access = access;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        Parameters query = prologue.query();
        // LXD: the events of the request's project (default "default") and server-wide ones; all-projects=true: all
        String all = query.contains("all-projects") ? query.first("all-projects").orElse("") : "";
        if (!all.equals("true") && !all.equals("1")) {
            String p = query.contains("project") ? query.first("project").orElse("") : "";
            project = p.isEmpty() ? "default" : p;
        }
        if (query.contains("type")) {
            Set<String> wanted = new LinkedHashSet<>();
            for (String value : query.all("type")) {
                for (String t : value.split(",")) {
                    String type = t.trim();
                    if (type.isEmpty()) {
                        continue;
                    }
                    if (!TYPES.contains(type)) {
                        throw new WsUpgradeException("Unknown event type \"" + type + "\" (operation, lifecycle, logging)");
                    }
                    wanted.add(type);
                }
            }
            if (!wanted.isEmpty()) {
                types = Set.copyOf(wanted);
            }
        }
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        Predicate<Event> filter = access.apply(session);
        if (filter == null) {
            session.close(WsCloseCodes.VIOLATED_POLICY, "not authorized");
            return;
        }
        String only = project;
        visible = only == null ? filter : filter.and(e -> e.project() == null || e.project().isEmpty() || e.project().equals(only));
        bus.subscribe(this);
        Thread.ofVirtual().name("events-sender").start(() -> sendLoop(session));
    }

    private void sendLoop(WsSession session) {
        try {
            long lastSent = System.nanoTime();
            while (!closed) {
                Event e = queue.poll(1, TimeUnit.SECONDS);
                if (e != null) {
                    session.send(Json.lenient().writeValueAsString(e), true);
                    lastSent = System.nanoTime();
                } else if (dropReason == null && System.nanoTime() - lastSent >= io.jlxd.daemon.wsop.WsKeepAlive.INTERVAL.toNanos()) {
                    // a quiet subscriber's pong keeps the connection from counting as idle (HTTPS idle timeout)
                    session.ping(io.helidon.common.buffers.BufferData.empty());
                    lastSent = System.nanoTime();
                } else if (dropReason != null) {
                    session.close(WsCloseCodes.TRY_AGAIN_LATER, dropReason);
                    break;
                }
            }
        } catch (Exception e) {
            // the peer went away: stop sending
        } finally {
            closed = true;
            bus.unsubscribe(this);
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        closed = true;
        bus.unsubscribe(this);
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        closed = true;
        bus.unsubscribe(this);
    }

    @Override
    public Set<String> types() {
        return types;
    }

    @Override
    public boolean offer(Event event) {
        if (!visible.test(event)) {
            return !closed;
        }
        return !closed && queue.offer(event);
    }

    @Override
    public void dropped(String reason) {
        dropReason = reason;
    }
}
