import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The gap a TCP client sees during a move (bench/migration.sh): connects to HOST:PORT (an echo server in the
 * container), sends one byte every 2 ms and reads it back, until STOPFILE exists (or 300 s pass). Prints JSON:
 * the longest time between two echoes, the echoes, and whether the connection broke (and when).
 *
 * <pre>java TcpGap.java HOST PORT STOPFILE READYFILE</pre>
 */
public final class TcpGap {
    public static void main(String[] a) throws Exception {
        Path stop = Path.of(a[2]);
        Path ready = Path.of(a[3]);
        long maxGap = 0;
        long echoes = 0;
        String broke = "null";
        long deadline = System.nanoTime() + 300_000_000_000L;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a[0], Integer.parseInt(a[1])), 5000);
            s.setTcpNoDelay(true);
            s.setSoTimeout(120_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            long last = System.nanoTime();
            Files.writeString(ready, "ok\n");
            while (!Files.exists(stop) && System.nanoTime() < deadline) {
                out.write('x');
                out.flush();
                int b = in.read();
                if (b < 0) {
                    broke = "\"closed by peer\"";
                    break;
                }
                long now = System.nanoTime();
                maxGap = Math.max(maxGap, now - last);
                last = now;
                echoes++;
                Thread.sleep(2);
            }
        } catch (Exception e) {
            broke = "\"" + e.toString().replace('"', '\'') + "\"";
        }
        System.out.printf("{\"max_gap_ms\":%.1f,\"echoes\":%d,\"broke\":%s}%n", maxGap / 1e6, echoes, broke);
    }
}
