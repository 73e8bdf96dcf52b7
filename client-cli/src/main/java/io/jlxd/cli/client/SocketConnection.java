package io.jlxd.cli.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** A {@link Connection} over a connected (TLS) socket, whose streams may be read and written from two threads. */
public final class SocketConnection implements Connection {
    private static final int BUFFER = 16 * 1024;

    private final Socket socket;
    private final InputStream input;
    private final OutputStream output;

    public SocketConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.input = new BufferedInputStream(socket.getInputStream(), BUFFER);
        this.output = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // gone either way
        }
    }
}
