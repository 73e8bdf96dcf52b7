package io.jlxd.daemon.server;

import io.helidon.webserver.http.ServerRequest;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import java.util.logging.Logger;

/**
 * Who is on the other end of a Unix socket request: {@code SO_PEERCRED} (uid, gid, pid) of the connection, for the
 * log line of each changing request. Helidon does not expose the channel, so it is found by reflection (the
 * request's peer information holds the socket); the fd number needs {@code Add-Opens: java.base/sun.nio.ch}
 * (in the jar's manifest). When anything is missing the description is empty and the request goes on.
 */
public final class PeerCredentials {
    private static final Logger LOG = Logger.getLogger(PeerCredentials.class.getName());
    private static final int SOL_SOCKET = 1;
    private static final int SO_PEERCRED = 17;
    private static final MethodHandle GETSOCKOPT;
    private static volatile boolean warned;

    static {
        MethodHandle h = null;
        try {
            Linker linker = Linker.nativeLinker();
            h = linker.downcallHandle(linker.defaultLookup().find("getsockopt").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        } catch (RuntimeException | Error e) {
            LOG.fine("getsockopt not available: " + e);
        }
        GETSOCKOPT = h;
    }

    private PeerCredentials() {
    }

    /** "uid=0 gid=0 pid=1234", or "" when it cannot be found out. */
    public static String describe(ServerRequest req) {
        try {
            SocketChannel channel = channel(req.remotePeer());
            if (channel == null) {
                return "";
            }
            int fd = fd(channel);
            if (fd < 0 || GETSOCKOPT == null) {
                var p = channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
                return "user=" + p.user().getName() + " group=" + p.group().getName();
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ucred = arena.allocate(12, 4);
                MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
                len.set(ValueLayout.JAVA_INT, 0, 12);
                int rc = (int) GETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_PEERCRED, ucred, len);
                if (rc != 0) {
                    return "";
                }
                return "uid=" + ucred.get(ValueLayout.JAVA_INT, 4) + " gid=" + ucred.get(ValueLayout.JAVA_INT, 8)
                        + " pid=" + ucred.get(ValueLayout.JAVA_INT, 0);
            }
        } catch (Throwable e) {
            if (!warned) {
                warned = true;
                LOG.info("local peer credentials unavailable: " + e);
            }
            return "";
        }
    }

    /** The SocketChannel behind Helidon's peer information (a lambda holding the NioSocket). */
    private static SocketChannel channel(Object peerInfo) throws ReflectiveOperationException {
        Object socket = null;
        for (Field f : peerInfo.getClass().getDeclaredFields()) {
            f.setAccessible(true);
            Object supplier = f.get(peerInfo);
            if (supplier == null) {
                continue;
            }
            for (Field g : supplier.getClass().getDeclaredFields()) {
                g.setAccessible(true);
                Object v = g.get(supplier);
                if (v != null && v.getClass().getName().equals("io.helidon.common.socket.NioSocket")) {
                    socket = v;
                    break;
                }
            }
            if (socket != null) {
                break;
            }
        }
        if (socket == null) {
            return null;
        }
        Field delegate = socket.getClass().getDeclaredField("delegate");
        delegate.setAccessible(true);
        return (SocketChannel) delegate.get(socket);
    }

    private static int fd(SocketChannel channel) {
        try {
            Method m = channel.getClass().getMethod("getFDVal");
            m.setAccessible(true);
            return (int) m.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
