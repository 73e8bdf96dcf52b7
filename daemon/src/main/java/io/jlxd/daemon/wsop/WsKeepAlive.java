package io.jlxd.daemon.wsop;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Pings open websockets every {@link #INTERVAL}: the peer's pong counts as traffic, so a quiet but live websocket
 * (an exec session nobody types into, an events listener) outlives the HTTPS listener's short idle timeout, which
 * only has to end connections that really are idle (see {@code Listener}).
 */
public final class WsKeepAlive {
    public static final Duration INTERVAL = Duration.ofSeconds(10);

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ws-keepalive");
        t.setDaemon(true);
        return t;
    });

    private WsKeepAlive() {
    }

    /** Runs {@code ping} every interval until the returned handle is cancelled. */
    public static ScheduledFuture<?> every(Runnable ping) {
        return TIMER.scheduleWithFixedDelay(() -> {
            try {
                ping.run();
            } catch (RuntimeException e) {
                // the peer went away: the socket's own close handling cancels the task
            }
        }, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }
}
