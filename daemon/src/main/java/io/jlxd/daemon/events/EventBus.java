package io.jlxd.daemon.events;

import io.jlxd.api.Event;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fans events out to subscribers (the {@code /1.0/events} websockets). Publishing never blocks: each subscriber
 * has its own bounded queue, and one that falls behind is disconnected rather than silently skipped (LXD's rule).
 */
public final class EventBus {
    private final String location;
    private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    public EventBus(String location) {
        this.location = location;
    }

    /** Receives events of the types it asked for. */
    public interface Subscriber {
        Set<String> types();

        /** Offers an event; returns false when the subscriber cannot keep up and must be dropped. */
        boolean offer(Event event);

        /** Called once when the bus drops the subscriber (it fell behind, or the bus closed). */
        void dropped(String reason);
    }

    public void subscribe(Subscriber s) {
        subscribers.add(s);
    }

    public void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    public boolean hasSubscribers(String type) {
        for (Subscriber s : subscribers) {
            if (s.types().contains(type)) {
                return true;
            }
        }
        return false;
    }

    public void publish(String type, Object metadata) {
        if (subscribers.isEmpty()) {
            return;
        }
        Event event = new Event(type, OffsetDateTime.now(ZoneOffset.UTC), location, projectOf(metadata), metadata);
        for (Subscriber s : subscribers) {
            if (s.types().contains(type) && !s.offer(event)) {
                subscribers.remove(s);
                s.dropped("event listener too slow, disconnected");
            }
        }
    }

    /**
     * The project of an event, as LXD fills it: the project of the resource a lifecycle event is about or of the
     * first project-scoped resource of an operation; "" for server-wide events.
     */
    public static String projectOf(Object metadata) {
        if (metadata instanceof Lifecycle l) {
            return io.jlxd.daemon.project.ProjectKeys.ofUrl(l.source());
        }
        if (metadata instanceof io.jlxd.api.Operation op && op.resources() != null) {
            for (java.util.List<String> urls : op.resources().values()) {
                for (String u : urls) {
                    String p = io.jlxd.daemon.project.ProjectKeys.ofUrl(u);
                    if (!p.isEmpty()) {
                        return p;
                    }
                }
            }
        }
        return "";
    }

    /** A lifecycle event ({@code instance-started}, {@code config-updated}...) caused by a requestor (null: the daemon). */
    public void lifecycle(String action, String source, java.util.Map<String, Object> context, Requestor requestor) {
        publish(Event.LIFECYCLE, new Lifecycle(action, source, context == null ? java.util.Map.of() : context,
                requestor == null ? new Requestor("", "", "") : requestor));
    }

    /** The metadata of a lifecycle event. */
    public record Lifecycle(String action, String source, java.util.Map<String, Object> context, Requestor requestor) {
    }

    /** Who asked for the change: username (certificate fingerprint over HTTPS), protocol (unix, tls), address. */
    public record Requestor(String username, String protocol, String address) {
    }

    public void close() {
        for (Subscriber s : subscribers) {
            subscribers.remove(s);
            s.dropped("daemon shutting down");
        }
    }
}
