import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exec round trips over jlxd's REST API against the floors measured in the same run (see bench/exec.sh).
 *
 * <pre>java ExecBench.java SOCKET INSTANCE INIT_PID ROUNDS PER_ROUND EXECFLOOR SETNSFLOOR FORKEXEC [DAEMON_PID]</pre>
 *
 * Each round: PER_ROUND of each REST variant, then one run of EXECFLOOR (C, bench/src/execfloor.c) for PER_ROUND
 * samples of each floor. REST variants, each `true` in INSTANCE, timed from the first byte sent to the exit code read:
 * <ul>
 *   <li>exec_rest_ws: what clients do (lxc exec, jlxc exec): POST .../exec with wait-for-websocket, the control and
 *   the three stdio websockets connected (each its own connection), end of stdin sent, stdout and stderr read to
 *   their close, then GET the operation for the exit code.
 *   <li>exec_rest: POST .../exec without websockets (output discarded), GET .../wait for the exit code.
 * </ul>
 * Prints one JSON object like the other benches (medians per metric).
 */
public final class ExecBench extends BenchClient {
    private final String socket;
    private final java.util.Map<SocketChannel, ByteBuffer> pending = new java.util.HashMap<>();

    private ExecBench(String socket) throws IOException {
        super(socket);
        this.socket = socket;
    }

    public static void main(String[] a) throws Exception {
        ExecBench b = new ExecBench(a[0]);
        String name = a[1];
        String init = a[2];
        int rounds = Integer.parseInt(a[3]);
        int per = Integer.parseInt(a[4]);
        // warm-up (JIT of this client and of the daemon's paths), unmeasured
        for (int i = 0; i < 10; i++) {
            b.execWs(name);
            b.execPlain(name);
        }
        long dpid = a.length > 8 ? Long.parseLong(a[8]) : -1;
        double[] cpuWs = {0};
        double[] cpuPlain = {0};
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < per; i++) {
                double c0 = cpuMs(dpid);
                b.time("exec_rest_ws", () -> b.execWs(name));
                double c1 = cpuMs(dpid);
                b.time("exec_rest", () -> b.execPlain(name));
                double c2 = cpuMs(dpid);
                cpuWs[0] += c1 - c0;
                cpuPlain[0] += c2 - c1;
            }
            String out = shOut(a[5], Integer.toString(per), init, a[6], a[7]);
            for (String metric : List.of("helper", "inproc", "forkexec")) {
                Matcher m = Pattern.compile("\"" + metric + "\":\\[([^\\]]*)\\]").matcher(out);
                if (!m.find()) {
                    throw new IOException("execfloor: " + out);
                }
                for (String v : m.group(1).split(",")) {
                    b.samples.computeIfAbsent("floor_" + metric, k -> new ArrayList<>()).add(Double.parseDouble(v));
                }
            }
        }
        String j = b.json(rounds * per);
        if (dpid > 0) {
            // the daemon's own CPU time per exec (JVM and its server's waiters not included), from /proc/PID/stat
            j = j.substring(0, j.length() - 1) + String.format(",\"daemon_cpu_ms_per_exec_rest_ws\":%.2f,\"daemon_cpu_ms_per_exec_rest\":%.2f}",
                    cpuWs[0] / (rounds * per), cpuPlain[0] / (rounds * per));
        }
        System.out.println(j);
    }

    /** utime + stime of a process in ms (clock ticks of 10 ms), or 0 without a pid. */
    static double cpuMs(long pid) throws IOException {
        if (pid <= 0) {
            return 0;
        }
        String st = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
    }

    void execPlain(String name) throws IOException {
        Answer a = http("POST", "/1.0/instances/" + name + "/exec",
                "{\"command\":[\"true\"],\"wait-for-websocket\":false,\"interactive\":false}");
        Matcher m = Pattern.compile("\"operation\":\"([^\"]+)\"").matcher(a.body());
        if (a.status() != 202 || !m.find()) {
            throw new IOException("exec: " + a.status() + " " + a.body());
        }
        Answer w = http("GET", m.group(1) + "/wait?timeout=30", null);
        if (!w.body().contains("\"return\":0")) {
            throw new IOException("exec failed: " + w.body());
        }
    }

    void execWs(String name) throws IOException {
        Answer a = http("POST", "/1.0/instances/" + name + "/exec",
                "{\"command\":[\"true\"],\"wait-for-websocket\":true,\"interactive\":false}");
        Matcher op = Pattern.compile("\"operation\":\"([^\"]+)\"").matcher(a.body());
        if (a.status() != 202 || !op.find()) {
            throw new IOException("exec: " + a.status() + " " + a.body());
        }
        String base = op.group(1) + "/websocket?secret=";
        SocketChannel control = ws(base + secret(a.body(), "control"));
        SocketChannel out = ws(base + secret(a.body(), "1"));
        SocketChannel err = ws(base + secret(a.body(), "2"));
        SocketChannel in = ws(base + secret(a.body(), "0"));
        try {
            sendText(in, ""); // LXD: an empty text frame ends stdin
            drain(out, pending.remove(out));
            drain(err, pending.remove(err));
            Answer w = http("GET", op.group(1) + "/wait?timeout=30", null);
            if (!w.body().contains("\"return\":0")) {
                throw new IOException("exec failed: " + w.body());
            }
        } finally {
            pending.clear();
            in.close();
            out.close();
            err.close();
            control.close();
        }
    }

    private static String secret(String body, String fd) throws IOException {
        Matcher m = Pattern.compile("\"" + fd + "\":\"([0-9a-f]+)\"").matcher(body);
        if (!m.find()) {
            throw new IOException("no secret for " + fd + " in " + body);
        }
        return m.group(1);
    }

    /** Opens a websocket (RFC 6455 handshake) on a new connection to the daemon's socket. */
    private SocketChannel ws(String path) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(socket));
        String req = "GET " + path + " HTTP/1.1\r\nHost: jlxd\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        c.write(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
        // the 101 answer; frames that follow it in the same read stay in the buffer for drain()
        ByteBuffer b = ByteBuffer.allocate(65536);
        int end = -1;
        while (end < 0) {
            if (c.read(b) < 0) {
                throw new IOException("websocket handshake: connection closed");
            }
            String s = new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1);
            end = s.indexOf("\r\n\r\n");
            if (end >= 0 && !s.startsWith("HTTP/1.1 101")) {
                throw new IOException("websocket handshake: " + s);
            }
        }
        b.flip().position(end + 4);
        pending.put(c, b.slice());
        return c;
    }

    private static void sendText(SocketChannel c, String text) throws IOException {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer f = ByteBuffer.allocate(6 + p.length);
        f.put((byte) 0x81).put((byte) (0x80 | p.length)).putInt(0); // masked with a zero key
        f.put(p).flip();
        while (f.hasRemaining()) {
            c.write(f);
        }
    }

    /** Reads frames until a close frame or the end of the connection. */
    private static void drain(SocketChannel raw, ByteBuffer early) throws IOException {
        Src c = new Src(raw, early);
        ByteBuffer b = ByteBuffer.allocate(65536);
        while (true) {
            b.clear();
            b.limit(2);
            if (!fill(c, b)) {
                return;
            }
            int op = b.get(0) & 0x0f;
            long len = b.get(1) & 0x7f;
            if (len == 126) {
                b.clear().limit(2);
                fill(c, b);
                len = b.getShort(0) & 0xffff;
            } else if (len == 127) {
                b.clear().limit(8);
                fill(c, b);
                len = b.getLong(0);
            }
            while (len > 0) {
                b.clear().limit((int) Math.min(len, b.capacity()));
                if (!fill(c, b)) {
                    return;
                }
                len -= b.limit();
            }
            if (op == 8) {
                return;
            }
        }
    }

    /** A connection's bytes: first those read with the handshake, then the socket's. */
    private record Src(SocketChannel ch, ByteBuffer early) {
        int read(ByteBuffer b) throws IOException {
            if (early != null && early.hasRemaining()) {
                int n = Math.min(early.remaining(), b.remaining());
                ByteBuffer part = early.slice(early.position(), n);
                b.put(part);
                early.position(early.position() + n);
                return n;
            }
            return ch.read(b);
        }
    }

    private static boolean fill(Src c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                return false;
            }
        }
        return true;
    }
}
