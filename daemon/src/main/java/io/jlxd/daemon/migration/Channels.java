package io.jlxd.daemon.migration;

import io.jlxd.daemon.migration.wire.MigrationControl;
import io.jlxd.daemon.migration.wire.MigrationHeader;
import io.jlxd.daemon.wsop.WsChannelSet;
import java.io.IOException;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The channels of one migration ({@code control}, {@code fs}, and {@code criu} for a live one), listened for or
 * dialled, and the control channel's messages. Handshake reads wait {@link #HANDSHAKE} (LXD: 2 minutes); the final
 * result of a migration may take as long as the transfer does.
 */
final class Channels implements AutoCloseable {
    static final String CONTROL = "control";
    static final String FS = "fs";
    static final String CRIU = "criu";
    static final Duration CONNECT = Duration.ofSeconds(30);
    static final Duration HANDSHAKE = Duration.ofMinutes(2);

    private final Map<String, Conn> conns;

    private Channels(Map<String, Conn> conns) {
        this.conns = conns;
    }

    static List<String> names(boolean live) {
        return live ? List.of(CONTROL, FS, CRIU) : List.of(CONTROL, FS);
    }

    /** Waits for the peer (or a relaying client) to connect every channel of {@code set}. */
    static Channels listened(WsChannelSet set, List<String> names) throws IOException, InterruptedException {
        if (!set.awaitAll(CONNECT)) {
            throw new IOException("the peer did not connect the migration channels within " + CONNECT.toSeconds() + " s");
        }
        Map<String, Conn> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, new ListenedConn(set.channel(n)));
        }
        return new Channels(m);
    }

    /** Dials the channels named by {@code secrets} on the peer's operation, pinning its certificate. */
    static Channels dialled(String operationUrl, X509Certificate cert, Map<String, String> secrets, List<String> names) throws IOException {
        HttpClient client = PeerTls.client(cert);
        Map<String, Conn> m = new LinkedHashMap<>();
        try {
            for (String n : names) {
                String secret = secrets.get(n);
                if (secret == null || secret.isEmpty()) {
                    throw new IOException("the peer gave no secret for the " + n + " channel");
                }
                m.put(n, DialedConn.dial(client, operationUrl, n, secret));
            }
        } catch (IOException | RuntimeException e) {
            m.values().forEach(Conn::close);
            throw e;
        }
        return new Channels(m);
    }

    Conn control() {
        return conns.get(CONTROL);
    }

    Conn fs() {
        return conns.get(FS);
    }

    Conn criu() {
        Conn c = conns.get(CRIU);
        if (c == null) {
            throw new IllegalStateException("no criu channel: not a live migration");
        }
        return c;
    }

    void sendHeader(MigrationHeader h) throws IOException {
        control().send(h.encode());
    }

    void sendControl(boolean success, String message) throws IOException {
        control().send(new MigrationControl(success, message).encode());
    }

    /** Sends a failure if the control channel is still up; never throws. */
    void sendFailure(String message) {
        try {
            sendControl(false, message);
        } catch (IOException | RuntimeException e) {
            // the peer is gone: it sees the channel's end
        }
    }

    /** The peer's header; the peer's failure (a MigrationControl in its place) or its disappearance as an IOException. */
    MigrationHeader receiveHeader() throws IOException, InterruptedException {
        byte[] b = receive(HANDSHAKE, "its migration header");
        if (MigrationControl.looksLikeControl(b)) {
            MigrationControl c = MigrationControl.decode(b);
            throw new PeerFailure("the peer refused the migration: " + (c.message().isEmpty() ? "no reason given" : c.message()));
        }
        try {
            return MigrationHeader.decode(b);
        } catch (IllegalArgumentException e) {
            throw new IOException("the peer's migration header cannot be read: " + e.getMessage(), e);
        }
    }

    /** The peer's MigrationControl, waiting up to {@code timeout} (null: as long as it takes). */
    MigrationControl receiveControl(Duration timeout) throws IOException, InterruptedException {
        byte[] b = receive(timeout, "its migration result");
        try {
            return MigrationControl.decode(b);
        } catch (IllegalArgumentException e) {
            throw new IOException("the peer's control message cannot be read: " + e.getMessage(), e);
        }
    }

    /** A failure message the peer may have sent before closing (after a transfer broke), or null. */
    String peerFailure(Duration wait) {
        try {
            long end = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < end) {
                Conn.Msg m = control().receive(Duration.ofMillis(Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                if (m == null || m.end()) {
                    return null;
                }
                if (m.data() != null && MigrationControl.looksLikeControl(m.data())) {
                    MigrationControl c = MigrationControl.decode(m.data());
                    return c.success() ? null : c.message();
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private byte[] receive(Duration timeout, String what) throws IOException, InterruptedException {
        while (true) {
            Conn.Msg m = control().receive(timeout);
            if (m == null) {
                throw new IOException("the peer did not send " + what + " within " + timeout.toSeconds() + " s");
            }
            if (m.end()) {
                throw new IOException("the peer closed the control channel before sending " + what);
            }
            if (m.data() != null) {
                return m.data();
            }
        }
    }

    @Override
    public void close() {
        new ArrayList<>(conns.values()).forEach(Conn::close);
    }

    /** The peer said the migration failed (its own reason). */
    static final class PeerFailure extends IOException {
        PeerFailure(String message) {
            super(message);
        }
    }
}
