package io.jlxd.daemon.instance;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.jlxd.api.instance.InstanceState;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A running container's interfaces, addresses and counters read over rtnetlink, in the daemon, with no process:
 * a {@code NETLINK_ROUTE} socket belongs to the network namespace it was created in, so one dedicated platform
 * thread enters the container's namespace ({@code setns} on a thread changes that thread only), creates the socket
 * and returns to the host's at once; the dumps ({@code RTM_GETLINK}, {@code RTM_GETADDR}) then run on the caller's
 * thread. The same figures {@code ip -json -stats addr show} prints (see {@link NetworkState#parse}). A listing of
 * many instances used to run {@code nsenter ... ip} per instance.
 *
 * <p>If the thread cannot return to the host's namespace it stops serving (every later call fails, and the caller
 * falls back to nsenter): no other daemon thread ever changes namespace.
 */
final class NetlinkState {
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_ROUTE = 0;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final short RTM_NEWLINK = 16;
    private static final short RTM_GETLINK = 18;
    private static final short RTM_NEWADDR = 20;
    private static final short RTM_GETADDR = 22;
    private static final short NLM_F_REQUEST = 1;
    private static final short NLM_F_DUMP = 0x300;
    private static final short NLMSG_ERROR = 2;
    private static final short NLMSG_DONE = 3;
    private static final int IFLA_ADDRESS = 1;
    private static final int IFLA_IFNAME = 3;
    private static final int IFLA_MTU = 4;
    private static final int IFLA_STATS64 = 23;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int IFF_UP = 1;
    private static final int ARPHRD_LOOPBACK = 772;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SETNS = fn("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = fn("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SEND = fn("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = fn("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /** The one thread that changes network namespace, and only for the time of a socket(). */
    private static final ExecutorService NETNS = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "netns-socket");
        t.setDaemon(true);
        return t;
    });
    private static volatile boolean broken;

    private NetlinkState() {
    }

    private static MethodHandle fn(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), d);
    }

    /** The interfaces of the network namespace of {@code pid}, keyed by name, in interface index order. */
    static Map<String, InstanceState.Network> of(long pid) throws IOException {
        int sock = socketIn(pid);
        try (Arena a = Arena.ofConfined()) {
            Map<Integer, String> names = new TreeMap<>();
            Map<Integer, Link> links = new TreeMap<>();
            dump(a, sock, RTM_GETLINK, 1, (type, m, off, len) -> {
                if (type != RTM_NEWLINK) {
                    return;
                }
                // struct ifinfomsg {u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change}
                int ifType = m.get(JAVA_SHORT.withOrder(NATIVE), off + 2) & 0xffff;
                int index = m.get(JAVA_INT.withOrder(NATIVE), off + 4);
                int flags = m.get(JAVA_INT.withOrder(NATIVE), off + 8);
                Link l = new Link();
                l.loopback = ifType == ARPHRD_LOOPBACK;
                l.up = (flags & IFF_UP) != 0;
                attrs(m, off + 16, len - 16, (at, ao, al) -> {
                    switch (at) {
                        case IFLA_IFNAME -> l.name = cString(m, ao, al);
                        case IFLA_ADDRESS -> l.mac = mac(m, ao, al);
                        case IFLA_MTU -> l.mtu = m.get(JAVA_INT.withOrder(NATIVE), ao);
                        case IFLA_STATS64 -> { // rx_packets, tx_packets, rx_bytes, tx_bytes (u64 each), ...
                            l.rxPackets = m.get(JAVA_LONG.withOrder(NATIVE).withByteAlignment(4), ao);
                            l.txPackets = m.get(JAVA_LONG.withOrder(NATIVE).withByteAlignment(4), ao + 8);
                            l.rxBytes = m.get(JAVA_LONG.withOrder(NATIVE).withByteAlignment(4), ao + 16);
                            l.txBytes = m.get(JAVA_LONG.withOrder(NATIVE).withByteAlignment(4), ao + 24);
                        }
                        default -> { }
                    }
                });
                if (l.name != null) {
                    links.put(index, l);
                    names.put(index, l.name);
                }
            });
            dump(a, sock, RTM_GETADDR, 2, (type, m, off, len) -> {
                if (type != RTM_NEWADDR) {
                    return;
                }
                // struct ifaddrmsg {u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index}
                int family = m.get(JAVA_BYTE, off) & 0xff;
                int prefix = m.get(JAVA_BYTE, off + 1) & 0xff;
                int scope = m.get(JAVA_BYTE, off + 3) & 0xff;
                int index = m.get(JAVA_INT.withOrder(NATIVE), off + 4);
                Link l = links.get(index);
                if (l == null || (family != 2 && family != 10)) {
                    return;
                }
                byte[][] local = new byte[1][];
                byte[][] address = new byte[1][];
                attrs(m, off + 8, len - 8, (at, ao, al) -> {
                    if (at == IFA_LOCAL) {
                        local[0] = m.asSlice(ao, al).toArray(JAVA_BYTE);
                    } else if (at == IFA_ADDRESS) {
                        address[0] = m.asSlice(ao, al).toArray(JAVA_BYTE);
                    }
                });
                byte[] ip = local[0] != null ? local[0] : address[0];
                if (ip == null) {
                    return;
                }
                try {
                    String text = InetAddress.getByAddress(ip).getHostAddress();
                    if (family == 10) {
                        text = compressV6(ip);
                    }
                    l.addresses.add(new InstanceState.Address(family == 2 ? "inet" : "inet6", text, Integer.toString(prefix),
                            scope(scope)));
                } catch (java.net.UnknownHostException e) {
                    // not an address length
                }
            });
            Map<String, InstanceState.Network> out = new LinkedHashMap<>();
            links.forEach((i, l) -> out.put(l.name, new InstanceState.Network(l.addresses,
                    new InstanceState.Counters(l.rxBytes, l.txBytes, l.rxPackets, l.txPackets), l.mac, "", l.mtu,
                    l.up ? "up" : "down", l.loopback ? "loopback" : "broadcast")));
            return out;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        } finally {
            close(sock);
        }
    }

    private static final class Link {
        String name;
        String mac = "";
        int mtu;
        boolean up;
        boolean loopback;
        long rxBytes;
        long txBytes;
        long rxPackets;
        long txPackets;
        final List<InstanceState.Address> addresses = new ArrayList<>();
    }

    /** iproute2's scope names, with LXD's "local" for host-scoped addresses. */
    private static String scope(int s) {
        return switch (s) {
            case 0 -> "global";
            case 200 -> "site";
            case 253 -> "link";
            case 254 -> "local";
            case 255 -> "nowhere";
            default -> Integer.toString(s);
        };
    }

    /** RFC 5952 text of an IPv6 address, as iproute2 prints it (longest zero run as "::", lower-case hex). */
    static String compressV6(byte[] ip) {
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = ((ip[2 * i] & 0xff) << 8) | (ip[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(w[i]));
        }
        // IPv4-mapped addresses as iproute2 prints them (::ffff:a.b.c.d)
        if (bestStart == 0 && bestLen == 5 && w[5] == 0xffff) {
            return "::ffff:" + (ip[12] & 0xff) + "." + (ip[13] & 0xff) + "." + (ip[14] & 0xff) + "." + (ip[15] & 0xff);
        }
        return sb.toString();
    }

    private static String cString(MemorySegment m, long off, int len) {
        byte[] b = m.asSlice(off, len).toArray(JAVA_BYTE);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    private static String mac(MemorySegment m, long off, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            sb.append(i == 0 ? "" : ":").append(String.format("%02x", m.get(JAVA_BYTE, off + i) & 0xff));
        }
        return sb.toString();
    }

    private interface Attr {
        void on(int type, long off, int len);
    }

    /** struct rtattr {u16 len, u16 type} + data, each aligned to 4. */
    private static void attrs(MemorySegment m, long off, int len, Attr f) {
        long end = off + len;
        while (off + 4 <= end) {
            int al = m.get(JAVA_SHORT.withOrder(NATIVE), off) & 0xffff;
            int at = m.get(JAVA_SHORT.withOrder(NATIVE), off + 2) & 0x3fff;
            if (al < 4 || off + al > end) {
                return;
            }
            f.on(at, off + 4, al - 4);
            off += (al + 3) & ~3;
        }
    }

    private interface Msg {
        void on(short type, MemorySegment m, long payloadOff, int payloadLen);
    }

    /** Sends a dump request (nlmsghdr + a zeroed 16-byte family header: AF_UNSPEC) and reads every answer. */
    private static void dump(Arena a, int sock, short type, int seq, Msg f) throws Throwable {
        MemorySegment req = a.allocate(32, 4);
        req.set(JAVA_INT.withOrder(NATIVE), 0, 32);
        req.set(JAVA_SHORT.withOrder(NATIVE), 4, type);
        req.set(JAVA_SHORT.withOrder(NATIVE), 6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
        req.set(JAVA_INT.withOrder(NATIVE), 8, seq);
        if ((long) SEND.invokeExact(sock, req, 32L, 0) != 32) {
            throw new IOException("netlink send failed");
        }
        MemorySegment buf = a.allocate(65536, 8);
        while (true) {
            long n = (long) RECV.invokeExact(sock, buf, 65536L, 0);
            if (n <= 0) {
                throw new IOException("netlink recv failed");
            }
            long off = 0;
            while (off + 16 <= n) {
                int len = buf.get(JAVA_INT.withOrder(NATIVE), off);
                short t = buf.get(JAVA_SHORT.withOrder(NATIVE), off + 4);
                if (len < 16 || off + len > n) {
                    throw new IOException("netlink: bad message");
                }
                if (t == NLMSG_DONE) {
                    return;
                }
                if (t == NLMSG_ERROR) {
                    throw new IOException("netlink error " + buf.get(JAVA_INT.withOrder(NATIVE), off + 16));
                }
                f.on(t, buf, off + 16, len - 16);
                off += (len + 3) & ~3;
            }
        }
    }

    /** A NETLINK_ROUTE socket in the network namespace of {@code pid}, made on the dedicated thread. */
    private static int socketIn(long pid) throws IOException {
        if (broken) {
            throw new IOException("the netns thread is out of service");
        }
        try {
            return NETNS.submit(() -> {
                try {
                    return socketOnThread(pid);
                } catch (IOException e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IOException(t);
                }
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private static int socketOnThread(long pid) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            int host = (int) OPEN.invokeExact(a.allocateFrom("/proc/thread-self/ns/net"), O_RDONLY_CLOEXEC);
            int target = (int) OPEN.invokeExact(a.allocateFrom("/proc/" + pid + "/ns/net"), O_RDONLY_CLOEXEC);
            if (host < 0 || target < 0) {
                close(host);
                close(target);
                throw new IOException("cannot open the network namespace of " + pid);
            }
            try {
                if ((int) SETNS.invokeExact(target, CLONE_NEWNET) != 0) {
                    throw new IOException("setns into the network namespace of " + pid + " failed");
                }
                int s = (int) SOCKET.invokeExact(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
                if ((int) SETNS.invokeExact(host, CLONE_NEWNET) != 0) {
                    broken = true; // never serve from a thread left in a container's namespace
                    close(s);
                    throw new IOException("cannot return to the host's network namespace");
                }
                if (s < 0) {
                    throw new IOException("netlink socket failed");
                }
                return s;
            } finally {
                close(host);
                close(target);
            }
        }
    }

    private static void close(int fd) {
        if (fd >= 0) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                // nothing to do
            }
        }
    }
}
