package io.jlxd.daemon.migration;

import io.jlxd.daemon.wsop.WsChannel;
import java.io.IOException;
import java.time.Duration;

/** A channel of this daemon's own websocket operation, which the peer (or a relaying client) connected to. */
final class ListenedConn implements Conn {
    private final WsChannel channel;
    private volatile boolean ended;

    ListenedConn(WsChannel channel) {
        this.channel = channel;
    }

    @Override
    public String name() {
        return channel.name();
    }

    @Override
    public void send(byte[] data, int off, int len) throws IOException {
        if (!channel.send(data, off, len)) {
            throw new IOException("the " + channel.name() + " channel is closed");
        }
    }

    @Override
    public void barrier() throws IOException {
        if (!channel.sendText("")) {
            throw new IOException("the " + channel.name() + " channel is closed");
        }
    }

    @Override
    public Msg receive(Duration timeout) throws InterruptedException {
        if (ended) {
            return Msg.END;
        }
        WsChannel.Message m = timeout == null ? channel.take() : channel.poll(timeout.toMillis());
        if (m == null) {
            return null;
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

    @Override
    public void close() {
        channel.close();
    }
}
