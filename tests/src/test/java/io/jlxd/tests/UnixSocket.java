package io.jlxd.tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A {@link Socket} over an AF_UNIX stream (the JDK only has {@link SocketChannel} for those), for clients such as
 * Apache HttpClient 4 that want a {@code java.net.Socket}. The channel is non-blocking and driven by selectors so
 * that {@link #setSoTimeout(int)} bounds reads (HttpClient's stale-connection check relies on it) and writes are
 * bounded by {@link #WRITE_TIMEOUT_MS}.
 */
public final class UnixSocket extends Socket {
    static final int WRITE_TIMEOUT_MS = 60_000;

    private final Path path;
    private final SocketChannel channel;
    private final Selector readSelector;
    private final Selector writeSelector;
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    private volatile int soTimeout;
    private volatile boolean closed;
    private volatile boolean inputShut;
    private volatile boolean outputShut;

    public UnixSocket(Path path) throws IOException {
        this.path = path;
        this.channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(path));
            channel.configureBlocking(false);
            readSelector = Selector.open();
            writeSelector = Selector.open();
            channel.register(readSelector, SelectionKey.OP_READ);
            channel.register(writeSelector, SelectionKey.OP_WRITE);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    private int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        if (len == 0) {
            return 0;
        }
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        int timeout = soTimeout;
        long deadline = timeout > 0 ? System.nanoTime() + timeout * 1_000_000L : 0;
        synchronized (readSelector) {
            while (true) {
                int n = channel.read(buf);
                if (n != 0) {
                    return n;
                }
                long waitMs = 0;
                if (deadline != 0) {
                    waitMs = (deadline - System.nanoTime()) / 1_000_000L;
                    if (waitMs <= 0) {
                        throw new SocketTimeoutException("Read timed out on " + path);
                    }
                }
                readSelector.select(waitMs);
                readSelector.selectedKeys().clear();
            }
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        long deadline = System.nanoTime() + WRITE_TIMEOUT_MS * 1_000_000L;
        synchronized (writeSelector) {
            while (buf.hasRemaining()) {
                if (channel.write(buf) == 0) {
                    long waitMs = (deadline - System.nanoTime()) / 1_000_000L;
                    if (waitMs <= 0) {
                        throw new SocketTimeoutException("Write timed out on " + path + " (the peer stopped reading)");
                    }
                    writeSelector.select(waitMs);
                    writeSelector.selectedKeys().clear();
                }
            }
        }
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = UnixSocket.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return UnixSocket.this.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            UnixSocket.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            UnixSocket.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            UnixSocket.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            UnixSocket.this.close();
        }
    }

    @Override
    public InputStream getInputStream() throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        return out;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            readSelector.close();
            writeSelector.close();
        } finally {
            channel.close();
        }
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        // Already connected to the Unix socket in the constructor; the TCP address HttpClient resolved is ignored.
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
    }

    @Override
    public void bind(SocketAddress bindpoint) {
    }

    @Override
    public void setSoTimeout(int timeout) {
        this.soTimeout = timeout;
    }

    @Override
    public int getSoTimeout() {
        return soTimeout;
    }

    @Override
    public void setTcpNoDelay(boolean on) {
    }

    @Override
    public boolean getTcpNoDelay() {
        return true;
    }

    @Override
    public void setSoLinger(boolean on, int linger) {
    }

    @Override
    public int getSoLinger() {
        return -1;
    }

    @Override
    public void setKeepAlive(boolean on) {
    }

    @Override
    public boolean getKeepAlive() {
        return false;
    }

    @Override
    public int getReceiveBufferSize() {
        return 64 * 1024;
    }

    @Override
    public int getSendBufferSize() {
        return 64 * 1024;
    }

    @Override
    public void setReceiveBufferSize(int size) {
    }

    @Override
    public void setSendBufferSize(int size) {
    }

    @Override
    public boolean isConnected() {
        return !closed && channel.isConnected();
    }

    @Override
    public boolean isBound() {
        return true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void shutdownInput() throws IOException {
        inputShut = true;
        channel.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        outputShut = true;
        channel.shutdownOutput();
    }

    @Override
    public boolean isInputShutdown() {
        return inputShut;
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShut;
    }

    @Override
    public InetAddress getInetAddress() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public int getPort() {
        return 0;
    }

    @Override
    public int getLocalPort() {
        return 0;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return UnixDomainSocketAddress.of(path);
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return null;
    }

    @Override
    public SocketChannel getChannel() {
        return null;
    }

    @Override
    public String toString() {
        return "UnixSocket[" + path + (closed ? ", closed" : "") + "]";
    }
}
