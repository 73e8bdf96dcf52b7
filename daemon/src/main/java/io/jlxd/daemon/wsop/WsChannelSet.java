package io.jlxd.daemon.wsop;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The channels of one websocket operation, each with its own random secret (LXD: the secret is the credential,
 * so the caller of {@code /1.0/operations/{id}/websocket} need not be trusted). Each channel can be connected
 * once. The work starts when every channel but {@code control} is connected ({@link #awaitConnected}): as in LXD,
 * the control channel is optional (pylxd never opens it).
 */
public final class WsChannelSet {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The channel the work does not wait for. */
    static final String OPTIONAL = "control";

    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final Map<String, WsChannel> channels = new LinkedHashMap<>();
    private final Map<String, Boolean> connected = new LinkedHashMap<>();
    private final CountDownLatch all;
    private final CountDownLatch allWithControl;

    public WsChannelSet(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no channels");
        }
        for (String n : names) {
            secrets.put(n, newSecret());
            channels.put(n, new WsChannel(n));
            connected.put(n, false);
        }
        all = new CountDownLatch((int) names.stream().filter(n -> !n.equals(OPTIONAL)).count());
        allWithControl = new CountDownLatch(names.size());
    }

    /** 32 random bytes as 64 hex digits, as LXD's secrets. */
    static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The operation metadata's {@code fds}: channel name to secret. */
    public Map<String, String> fds() {
        return Map.copyOf(secrets);
    }

    public WsChannel channel(String name) {
        WsChannel c = channels.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no channel " + name);
        }
        return c;
    }

    /**
     * The channel whose secret this is, marked connected; null for a wrong secret or a channel already connected.
     * Compares in constant time.
     */
    public synchronized WsChannel claim(String secret) {
        if (secret == null) {
            return null;
        }
        byte[] given = secret.getBytes(StandardCharsets.UTF_8);
        String match = null;
        for (Map.Entry<String, String> e : secrets.entrySet()) {
            if (MessageDigest.isEqual(given, e.getValue().getBytes(StandardCharsets.UTF_8))) {
                match = e.getKey();
            }
        }
        if (match == null || connected.get(match)) {
            return null;
        }
        connected.put(match, true);
        return channels.get(match);
    }

    /** Called once the claimed channel's websocket is open. */
    void opened(WsChannel c) {
        allWithControl.countDown();
        if (!c.name().equals(OPTIONAL)) {
            all.countDown();
        }
    }

    /** Waits until every channel but control is connected; false on timeout. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        return all.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until every channel, control included, is connected (migrations need all); false on timeout. */
    public boolean awaitAll(Duration timeout) throws InterruptedException {
        return allWithControl.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes every channel. */
    public void closeAll() {
        channels.values().forEach(WsChannel::close);
    }
}
