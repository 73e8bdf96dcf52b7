package io.jlxd.cli.client;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A {@link Transport} handing out scripted {@link FakeConnection}s in order, and remembering them. */
public final class FakeTransport implements Transport {
    private final Deque<FakeConnection> pending = new ArrayDeque<>();
    private final List<FakeConnection> opened = new ArrayList<>();

    public FakeTransport(FakeConnection... connections) {
        pending.addAll(List.of(connections));
    }

    @Override
    public Connection open() throws IOException {
        FakeConnection c = pending.poll();
        if (c == null) {
            throw new TransportException("no more scripted connections", null);
        }
        opened.add(c);
        return c;
    }

    public List<FakeConnection> opened() {
        return opened;
    }

    @Override
    public String authority() {
        return "unix.socket";
    }
}
