package io.jlxd.daemon.migration;

import io.jlxd.daemon.wsop.WsChannel;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * A channel of this daemon's own websocket operation, which the peer (or a relaying client) connected to. A peer that
 * dies without closing (SIGKILL, a cut connection) is noticed at once: a send that fails ends the channel for the
 * receiver too, and while a receive waits, the peer is pinged every {@link #PROBE} (a ping to a dead peer fails).
 */
final class ListenedConn implements Conn {
    static final Duration PROBE = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(ListenedConn.class.getName());
    private final WsChannel channel;
    private volatile boolean ended;
    /** Set when a send or ping failed: the peer is gone; the receiver gets the end once nothing is left queued. */
    private volatile boolean gone;
    /** Held by sends: a probe never waits behind a send that the peer's flow control holds up (it skips instead). */
    private final ReentrantLock sending = new ReentrantLock();

    ListenedConn(WsChannel channel) {
        this.channel = channel;
    }

    @Override
    public String name() {
        return channel.name();
    }

    @Override
    public void send(byte[] data, int off, int len) throws IOException {
        boolean sent;
        sending.lock();
        try {
            sent = channel.send(data, off, len);
        } finally {
            sending.unlock();
        }
        if (!sent) {
            broken("a send failed");
            throw new IOException("the " + channel.name() + " channel is closed");
        }
    }

    @Override
    public void barrier() throws IOException {
        boolean sent;
        sending.lock();
        try {
            sent = channel.sendText("");
        } finally {
            sending.unlock();
        }
        if (!sent) {
            broken("a send failed");
            throw new IOException("the " + channel.name() + " channel is closed");
        }
    }

    @Override
    public Msg receive(Duration timeout) throws InterruptedException {
        if (ended) {
            return Msg.END;
        }
        long end = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        WsChannel.Message m;
        while (true) {
            long left = end == Long.MAX_VALUE ? PROBE.toMillis() : Math.min(PROBE.toMillis(), (end - System.nanoTime()) / 1_000_000);
            m = channel.poll(Math.max(0, left));
            if (m != null) {
                break;
            }
            if (gone || !probe()) {
                ended = true;
                return Msg.END;
            }
            if (System.nanoTime() >= end) {
                return null;
            }
        }
        if (m.end()) {
            ended = true;
            return Msg.END;
        }
        if (m.text() != null) {
            return Msg.BARRIER; // LXD sends no text but the barrier
        }
        return new Msg(m.data(), false, false);
    }

    /** Pings the peer unless a send is under way (that send fails if the peer is gone); false when it is gone. */
    private boolean probe() {
        if (!sending.tryLock()) {
            return true;
        }
        try {
            if (!channel.ping()) {
                broken("a ping failed");
                return false;
            }
            return true;
        } finally {
            sending.unlock();
        }
    }

    /** The peer is gone without a close: what waits for its messages gets the end. */
    private void broken(String why) {
        if (!gone) {
            gone = true;
            LOG.info("the peer of the " + channel.name() + " migration channel is gone (" + why + ")");
        }
    }

    @Override
    public void close() {
        channel.close();
    }
}
