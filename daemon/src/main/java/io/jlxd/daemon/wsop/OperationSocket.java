package io.jlxd.daemon.wsop;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One connection to {@code /1.0/operations/{id}/websocket?secret=S}: attaches the websocket to the operation's
 * channel that the secret names. The secret is the credential (LXD lets untrusted callers in with it); an unknown
 * operation, a wrong secret or a channel already connected refuses the upgrade.
 */
public final class OperationSocket implements WsListener {
    public static final String PATH = "/1.0/operations/{id}/websocket";
    private static final String PREFIX = "/1.0/operations/";
    private static final String SUFFIX = "/websocket";

    private final WsOperations registry;
    private WsChannelSet set;
    private WsChannel channel;
    /** The largest message reassembled from fragments (bigger ones close the websocket with 1009). */
    public static final int MAX_MESSAGE = 1 << 20;
    private static final int MESSAGE_TOO_BIG = 1009;

    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final StringBuilder partialText = new StringBuilder();
    private java.util.concurrent.ScheduledFuture<?> keepAlive;

    public OperationSocket(WsOperations registry) {
        this.registry = registry;
    }

    /** The operation id of a websocket path, or null. */
    static String operationId(String path) {
        if (path == null || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) {
            return null;
        }
        String id = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
        return id.isEmpty() || id.contains("/") ? null : id;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        String id = operationId(prologue.uriPath().path());
        WsChannelSet s = id == null ? null : registry.find(id).orElse(null);
        if (s == null) {
            throw new WsUpgradeException("Operation not found or not a websocket operation");
        }
        String secret = prologue.query().first("secret").orElse(null);
        WsChannel c = s.claim(secret);
        if (c == null) {
            throw new WsUpgradeException("Invalid or already used secret");
        }
        set = s;
        channel = c;
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        if (channel == null) {
            session.close(1008, "not authorized");
            return;
        }
        channel.attach(session);
        WsChannel c = channel;
        keepAlive = WsKeepAlive.every(c::ping);
        set.opened(channel);
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        if (channel == null) {
            return;
        }
        byte[] b = new byte[buffer.available()];
        buffer.read(b);
        if (last && partial.size() == 0) {
            channel.received(new WsChannel.Message(b, null, false));
            return;
        }
        if (partial.size() + (long) b.length > MAX_MESSAGE) {
            tooBig(session);
            return;
        }
        partial.writeBytes(b);
        if (last) {
            channel.received(new WsChannel.Message(partial.toByteArray(), null, false));
            partial.reset();
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        if (channel == null) {
            return;
        }
        if (partialText.length() + (long) text.length() > MAX_MESSAGE) {
            tooBig(session);
            return;
        }
        partialText.append(text);
        if (last) {
            channel.received(new WsChannel.Message(null, partialText.toString(), false));
            partialText.setLength(0);
        }
    }

    /** A message over {@link #MAX_MESSAGE}: the websocket closes (1009) and the operation sees the end of its stream. */
    private void tooBig(WsSession session) {
        partial.reset();
        partialText.setLength(0);
        stopKeepAlive();
        session.close(MESSAGE_TOO_BIG, "Message too big: the limit is " + MAX_MESSAGE + " bytes");
        channel.received(WsChannel.Message.END);
    }

    private void stopKeepAlive() {
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        stopKeepAlive();
        if (channel != null) {
            channel.received(WsChannel.Message.END);
        }
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        stopKeepAlive();
        if (channel != null) {
            channel.received(WsChannel.Message.END);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
