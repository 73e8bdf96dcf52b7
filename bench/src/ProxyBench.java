import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The cost of a proxy device against a direct connection (bench/proxy.sh).
 *
 * <pre>
 *   java ProxyBench.java server PORT                     an echo/sink server (run in the container's netns)
 *   java ProxyBench.java client NAME HOST PORT ROUNDS    measures one target, prints a JSON object
 * </pre>
 *
 * The first byte a client sends picks the mode: 'E' echo (every byte back), 'S' sink (reads to EOF, then answers
 * one byte). Client metrics: connect + 1-byte round trip + close (ROUNDS times), 1-byte round trips on one
 * connection (10 x ROUNDS), and throughput of 256 MiB sent one way.
 */
public class ProxyBench {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("server")) {
            server(Integer.parseInt(args[1]));
        } else {
            client(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        }
    }

    static void server(int port) throws Exception {
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(port), 128);
            System.out.println("listening " + port);
            System.out.flush();
            while (true) {
                Socket s = ss.accept();
                Thread.ofVirtual().start(() -> serve(s));
            }
        }
    }

    static void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int mode = in.read();
            byte[] buf = new byte[64 * 1024];
            if (mode == 'E') {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } else if (mode == 'S') {
                while (in.read(buf) >= 0) {
                    // discard
                }
                out.write('K');
                out.flush();
            }
        } catch (Exception e) {
            // client gone
        }
    }

    static void client(String name, String host, int port, int rounds) throws Exception {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(host), port);
        // warm-up
        for (int i = 0; i < 50; i++) {
            connectRoundTrip(target);
        }
        double[] connect = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            connect[i] = connectRoundTrip(target);
        }
        double[] rtt = new double[rounds * 10];
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(target, 5000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write('E');
            for (int i = 0; i < 200; i++) {
                out.write(1);
                in.read();
            }
            for (int i = 0; i < rtt.length; i++) {
                long t0 = System.nanoTime();
                out.write(1);
                if (in.read() != 1) {
                    throw new IllegalStateException("bad echo");
                }
                rtt[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        long bytes = 256L << 20;
        double[] mibps = new double[3];
        for (int r = 0; r < mibps.length; r++) {
            try (Socket s = new Socket()) {
                s.connect(target, 5000);
                OutputStream out = s.getOutputStream();
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] buf = new byte[64 * 1024];
                long t0 = System.nanoTime();
                out.write('S');
                for (long sent = 0; sent < bytes; sent += buf.length) {
                    out.write(buf);
                }
                s.shutdownOutput();
                if (in.read() != 'K') {
                    throw new IllegalStateException("no ack");
                }
                mibps[r] = (bytes / 1048576.0) / ((System.nanoTime() - t0) / 1e9);
            }
        }
        System.out.printf(Locale.ROOT, "{\"target\":\"%s\",\"connect_rtt_close_ms\":%s,\"rtt_ms\":%s,\"throughput_mib_s\":%s}%n",
                name, stats(connect), stats(rtt), stats(mibps));
    }

    static double connectRoundTrip(InetSocketAddress target) throws Exception {
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(target, 5000);
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {'E', 1});
            if (s.getInputStream().read() != 1) {
                throw new IllegalStateException("bad echo");
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    static String stats(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "{\"n\":%d,\"median\":%.3f,\"p90\":%.3f,\"min\":%.3f}", s.length, s[s.length / 2],
                s[(int) (s.length * 0.9)], s[0]);
    }
}
