package io.jlxd.daemon.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * A TCP proxy device: the host listens; each accepted connection gets a connection made inside the container's
 * network namespace ({@link NetnsSockets}) and two virtual threads copy bytes both ways (half-close passed on).
 */
final class TcpProxy implements RunningProxy {
    private static final Logger LOG = Logger.getLogger(TcpProxy.class.getName());
    private static final int BUFFER = 64 * 1024;
    private final ServerSocketChannel server;
    private final InetSocketAddress target;
    private final NetnsSockets netns;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final String label;

    TcpProxy(String label, InetSocketAddress listen, InetSocketAddress target, NetnsSockets netns) throws IOException {
        this.label = label;
        this.target = target;
        this.netns = netns;
        ServerSocketChannel s = ServerSocketChannel.open(listen.getAddress() instanceof java.net.Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        try {
            s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            s.bind(listen, 256);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen on tcp " + listen.getAddress().getHostAddress() + ":" + listen.getPort() + ": " + e.getMessage(), e);
        }
        this.server = s;
        Thread.ofVirtual().name("proxy-accept-" + label).start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.warning("proxy " + label + ": accept: " + e.getMessage());
                }
                return;
            }
            Thread.ofVirtual().name("proxy-conn-" + label).start(() -> serve(client));
        }
    }

    private void serve(SocketChannel client) {
        open.add(client);
        SocketChannel inside = null;
        try {
            inside = netns.connect(target);
            open.add(inside);
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            inside.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SocketChannel in = inside;
            Thread up = Thread.ofVirtual().name("proxy-up-" + label).start(() -> copy(client, in));
            copy(in, client);
            up.join();
        } catch (IOException e) {
            LOG.fine(() -> "proxy " + label + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
            if (inside != null) {
                closeQuietly(inside);
            }
        }
    }

    /** Copies until EOF, then half-closes the other side's output. */
    private void copy(SocketChannel from, SocketChannel to) {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        try {
            while (from.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    to.write(buf);
                }
                buf.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(SocketChannel c) {
        open.remove(c);
        try {
            c.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        for (SocketChannel c : open) {
            closeQuietly(c);
        }
    }
}
