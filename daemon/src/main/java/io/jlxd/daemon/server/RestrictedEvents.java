package io.jlxd.daemon.server;

import io.jlxd.api.Event;
import io.jlxd.api.Operation;
import io.jlxd.daemon.events.EventBus;
import java.util.List;

/**
 * The events a certificate restricted to projects may see: those of its projects' resources (instances,
 * images, profiles, volumes and their operations). Server-wide events are not for it: logging, trust tokens and
 * certificates, server configuration, storage pools.
 */
public final class RestrictedEvents {
    private static final List<String> SERVER_WIDE = List.of("certificate-", "config-", "storage-pool-", "warning-");

    private RestrictedEvents() {
    }

    public static boolean visible(Event e) {
        return switch (e.type()) {
            case Event.OPERATION -> !(e.metadata() instanceof Operation op) || !op.operationClass().equals("token");
            case Event.LIFECYCLE -> !(e.metadata() instanceof EventBus.Lifecycle l)
                    || SERVER_WIDE.stream().noneMatch(p -> l.action().startsWith(p));
            default -> false;
        };
    }
}
