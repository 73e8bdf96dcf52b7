package io.jlxd.daemon.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * A UDP proxy device: the host socket receives datagrams; each client address gets its own socket inside the
 * container's network namespace, connected to the target, whose replies go back to that client. A client's socket
 * is closed after {@value #IDLE_MS} ms without traffic.
 */
final class UdpProxy implements RunningProxy {
    private static final Logger LOG = Logger.getLogger(UdpProxy.class.getName());
    static final int IDLE_MS = 60_000;
    private static final int MAX_DATAGRAM = 65_535;
    private final DatagramChannel host;
    private final InetSocketAddress target;
    private final NetnsSockets netns;
    private final String label;
    private final Map<SocketAddress, Session> sessions = new ConcurrentHashMap<>();

    private final class Session {
        final DatagramChannel inside;
        volatile long last = System.nanoTime();

        Session(SocketAddress client, DatagramChannel inside) {
            this.inside = inside;
            Thread.ofVirtual().name("proxy-udp-" + label).start(() -> replies(client));
        }

        private void replies(SocketAddress client) {
            java.net.DatagramSocket s = inside.socket();
            byte[] buf = new byte[MAX_DATAGRAM];
            java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
            try {
                s.setSoTimeout(IDLE_MS / 4);
                while (inside.isOpen()) {
                    try {
                        p.setLength(buf.length);
                        s.receive(p);
                        last = System.nanoTime();
                        host.send(ByteBuffer.wrap(buf, 0, p.getLength()), client);
                    } catch (java.net.SocketTimeoutException e) {
                        if (System.nanoTime() - last > IDLE_MS * 1_000_000L) {
                            break;
                        }
                    }
                }
            } catch (IOException e) {
                LOG.fine(() -> "proxy " + label + ": " + e); // e.g. PortUnreachableException: nothing listens inside
            } finally {
                sessions.remove(client, this);
                close();
            }
        }

        void close() {
            try {
                inside.close();
            } catch (IOException e) {
                // closing
            }
        }
    }

    UdpProxy(String label, InetSocketAddress listen, InetSocketAddress target, NetnsSockets netns) throws IOException {
        this.label = label;
        this.target = target;
        this.netns = netns;
        DatagramChannel c = DatagramChannel.open(listen.getAddress() instanceof java.net.Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        try {
            c.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            c.bind(listen);
        } catch (IOException e) {
            c.close();
            throw new IOException("cannot listen on udp " + listen.getAddress().getHostAddress() + ":" + listen.getPort() + ": " + e.getMessage(), e);
        }
        this.host = c;
        Thread.ofVirtual().name("proxy-udp-recv-" + label).start(this::receiveLoop);
    }

    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (host.isOpen()) {
            SocketAddress client;
            try {
                buf.clear();
                client = host.receive(buf);
            } catch (IOException e) {
                if (host.isOpen()) {
                    LOG.warning("proxy " + label + ": receive: " + e.getMessage());
                }
                return;
            }
            buf.flip();
            try {
                Session s = sessions.get(client);
                if (s == null || !s.inside.isOpen()) {
                    s = new Session(client, netns.datagram(target));
                    sessions.put(client, s);
                }
                s.last = System.nanoTime();
                s.inside.write(buf);
            } catch (IOException e) {
                LOG.fine(() -> "proxy " + label + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        try {
            host.close();
        } catch (IOException e) {
            // closing
        }
        sessions.values().forEach(Session::close);
        sessions.clear();
    }
}
