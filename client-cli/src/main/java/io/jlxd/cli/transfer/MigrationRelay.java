package io.jlxd.cli.transfer;

import io.jlxd.cli.CliException;
import io.jlxd.cli.client.JlxdClient;
import io.jlxd.cli.client.PathEscape;
import io.jlxd.cli.client.ws.Message;
import io.jlxd.cli.client.ws.WebSocket;
import io.jlxd.cli.client.ws.WebSocketException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Relay mode (lxc's {@code proxyMigration}): the client joins every channel of both operations (control first, then
 * fs and criu) and copies each message, text or binary, both ways, so the daemons need not reach each other. A text
 * message is a stream barrier in LXD's framing and is kept as text. When one side closes a channel, the other side's
 * is closed with the same code.
 */
public final class MigrationRelay implements AutoCloseable {
    private final List<WebSocket> sockets = new ArrayList<>();
    private final List<Thread> pumps = new ArrayList<>();
    private final AtomicLong relayed = new AtomicLong();
    private volatile String failure;

    private MigrationRelay() {
    }

    /**
     * Connects the channels of {@code targetSecrets} on both sides and starts copying. Fails (closing what it opened)
     * when the source does not offer a channel the target expects or the target has no control channel.
     */
    public static MigrationRelay start(JlxdClient source, String sourceOp, Map<String, String> sourceSecrets,
            JlxdClient target, String targetOp, Map<String, String> targetSecrets) throws IOException {
        return start(source::websocket, sourceOp, sourceSecrets, target::websocket, targetOp, targetSecrets);
    }

    /** Opens the WebSocket of a path on one daemon. */
    public interface Opener {
        WebSocket open(String path) throws IOException;
    }

    static MigrationRelay start(Opener source, String sourceOp, Map<String, String> sourceSecrets,
            Opener target, String targetOp, Map<String, String> targetSecrets) throws IOException {
        for (String name : targetSecrets.keySet()) {
            if (!sourceSecrets.containsKey(name)) {
                throw new CliException("Migration target expects the \"" + name + "\" socket but the source isn't providing it");
            }
        }
        if (!targetSecrets.containsKey("control")) {
            throw new CliException("Migration target didn't set up the required \"control\" socket");
        }
        MigrationRelay relay = new MigrationRelay();
        try {
            List<String> order = new ArrayList<>();
            order.add("control");
            targetSecrets.keySet().stream().filter(n -> !n.equals("control")).sorted().forEach(order::add);
            for (String name : order) {
                WebSocket s = source.open(path(sourceOp, sourceSecrets.get(name)));
                relay.sockets.add(s);
                WebSocket t = target.open(path(targetOp, targetSecrets.get(name)));
                relay.sockets.add(t);
                relay.pump(name + " source->target", s, t);
                relay.pump(name + " target->source", t, s);
            }
        } catch (IOException | RuntimeException e) {
            relay.close();
            throw e;
        }
        return relay;
    }

    /** {@code /1.0/operations/ID/websocket?secret=S} for an operation URL or id. */
    static String path(String operation, String secret) {
        String id = operation.substring(operation.lastIndexOf('/') + 1);
        int q = id.indexOf('?');
        if (q >= 0) {
            id = id.substring(0, q);
        }
        return "/1.0/operations/" + PathEscape.segment(id) + "/websocket?secret="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8);
    }

    private void pump(String what, WebSocket from, WebSocket to) {
        pumps.add(Thread.ofVirtual().name("relay " + what).start(() -> {
            try {
                Message m;
                while ((m = from.receive()) != null) {
                    if (m.isText()) {
                        to.sendText(m.text());
                    } else {
                        to.sendBinary(m.data());
                    }
                    relayed.addAndGet(m.data().length);
                }
                int code = from.closeCode();
                to.close(code < 0 || code == 1005 ? WebSocket.NORMAL : code, from.closeReason());
            } catch (WebSocketException e) {
                failure = what + ": " + e.getMessage();
                to.close(e.closeCode(), "");
            } catch (IOException e) {
                if (failure == null) {
                    failure = what + ": " + e.getMessage();
                }
                to.close(1011, "relay: peer lost");
                from.close(1011, "");
            }
        }));
    }

    /** Bytes copied so far, both directions. */
    public long relayed() {
        return relayed.get();
    }

    /** The first channel failure seen (a connection lost mid-stream), or null. */
    public String failure() {
        return failure;
    }

    /** Waits up to {@code millis} for the pumps to end (both operations are over when this is called). */
    public void awaitEnd(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        for (Thread t : pumps) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0 || !t.join(java.time.Duration.ofMillis(left))) {
                break;
            }
        }
    }

    @Override
    public void close() {
        sockets.forEach(WebSocket::close);
    }
}
