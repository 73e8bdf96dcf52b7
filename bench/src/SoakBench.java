import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Soak: CLIENTS concurrent clients (each its own keep-alive connection) mix lifecycle (stop/start, restart,
 * freeze/unfreeze), exec, file push/pull, snapshot create/delete and listing on CONTAINERS running busybox containers
 * for DURATION seconds, while a sampler records the daemon's heap, threads and open descriptors. Conflicts between
 * clients (starting a container another client just started) are expected and counted as refusals; a 5xx, an
 * operation that does not finish within 120 s, or a lost connection is a failure.
 *
 * <pre>java SoakBench.java SOCKET DURATION_S CLIENTS CONTAINERS DAEMON_PID</pre>
 *
 * Prints one JSON object.
 */
public final class SoakBench {
    private static final Pattern OP = Pattern.compile("\"operation\":\"([^\"]+)\"");

    private final String socket;
    private final int clients;
    private final int containers;
    private final long pid;
    private final long seconds;
    private long deadline;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<String, List<Double>> latencies = new ConcurrentHashMap<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<long[]> samples = Collections.synchronizedList(new ArrayList<>());

    private SoakBench(String socket, long seconds, int clients, int containers, long pid) {
        this.socket = socket;
        this.clients = clients;
        this.containers = containers;
        this.pid = pid;
        this.seconds = seconds;
    }

    public static void main(String[] a) throws Exception {
        new SoakBench(a[0], Long.parseLong(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]), Long.parseLong(a[4])).run();
    }

    private void run() throws Exception {
        setUp();
        long[] before = sample(true);
        deadline = System.nanoTime() + seconds * 1_000_000_000L; // the clock starts once the containers run
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5000);
                    samples.add(sample(false));
                } catch (Exception e) {
                    return;
                }
            }
        });
        CountDownLatch done = new CountDownLatch(clients);
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread.ofPlatform().start(() -> {
                try {
                    work(id);
                } catch (Throwable e) {
                    failures.add("client " + id + ": " + e);
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.join();
        // settle: every container running again, no snapshot left, then the descriptors and a collected heap
        settle();
        long[] after = sample(true);
        print(seconds, before, after);
    }

    // ------------------------------------------------------------------ the clients

    private void work(int id) throws IOException {
        Random r = new Random(id);
        try (Client c = new Client(socket)) {
            work(id, r, c);
        }
    }

    private void work(int id, Random r, Client c) {
        long n = 0;
        while (System.nanoTime() < deadline) {
            String ct = "soak" + r.nextInt(containers);
            int p = r.nextInt(100);
            if (p < 30) {
                switch (r.nextInt(3)) {
                    case 0 -> timed("list", () -> c.expect200("GET", "/1.0/instances?recursion=1", null));
                    case 1 -> timed("state", () -> c.expect200("GET", "/1.0/instances/" + ct + "/state", null));
                    default -> timed("operations", () -> c.expect200("GET", "/1.0/operations", null));
                }
            } else if (p < 50) {
                timed("exec", () -> c.call("POST", "/1.0/instances/" + ct + "/exec",
                        "{\"command\":[\"sh\",\"-c\",\"echo soak\"],\"wait-for-websocket\":false,\"interactive\":false}"));
            } else if (p < 65) {
                String path = "/root/soak-" + id + "-" + (n++ % 4);
                timed("file_push", () -> c.expectStatus("POST", "/1.0/instances/" + ct + "/files?path=" + path, "soak " + id, 200));
                timed("file_pull", () -> c.expectStatus("GET", "/1.0/instances/" + ct + "/files?path=" + path, null, 200, 404));
            } else if (p < 80) {
                String snap = "c" + id + "n" + (n++);
                if (timed("snapshot", () -> c.call("POST", "/1.0/instances/" + ct + "/snapshots", "{\"name\":\"" + snap + "\"}"))) {
                    timed("snapshot_delete", () -> c.call("DELETE", "/1.0/instances/" + ct + "/snapshots/" + snap, null));
                }
            } else {
                switch (r.nextInt(3)) {
                    case 0 -> {
                        timed("stop", () -> c.call("PUT", "/1.0/instances/" + ct + "/state", "{\"action\":\"stop\",\"force\":true}"));
                        timed("start", () -> c.call("PUT", "/1.0/instances/" + ct + "/state", "{\"action\":\"start\"}"));
                    }
                    case 1 -> timed("restart", () -> c.call("PUT", "/1.0/instances/" + ct + "/state", "{\"action\":\"restart\",\"force\":true}"));
                    default -> {
                        timed("freeze", () -> c.call("PUT", "/1.0/instances/" + ct + "/state", "{\"action\":\"freeze\"}"));
                        timed("unfreeze", () -> c.call("PUT", "/1.0/instances/" + ct + "/state", "{\"action\":\"unfreeze\"}"));
                    }
                }
            }
        }
    }

    private interface Call {
        Result call() throws IOException;
    }

    /** ok: done; refused: a 4xx or a failed operation (a conflict with another client); failures are recorded. */
    private enum Result { OK, REFUSED }

    private boolean timed(String what, Call call) {
        long t = System.nanoTime();
        try {
            Result res = call.call();
            double ms = (System.nanoTime() - t) / 1e6;
            latencies.computeIfAbsent(what, k -> Collections.synchronizedList(new ArrayList<>())).add(ms);
            counts.computeIfAbsent(what + (res == Result.OK ? "" : "_refused"), k -> new AtomicLong()).incrementAndGet();
            return res == Result.OK;
        } catch (IOException e) {
            counts.computeIfAbsent(what + "_failed", k -> new AtomicLong()).incrementAndGet();
            failures.add(what + ": " + e.getMessage());
            return false;
        }
    }

    private final class Client extends BenchClient implements AutoCloseable {
        Client(String socket) throws IOException {
            super(socket);
        }

        @Override
        public void close() throws IOException {
            ch.close(); // an open keep-alive connection is a descriptor of the daemon's too
        }

        Result expect200(String method, String path, String body) throws IOException {
            return expectStatus(method, path, body, 200);
        }

        Result expectStatus(String method, String path, String body, int... ok) throws IOException {
            Answer a = http(method, path, body);
            if (a.status() >= 500) {
                throw new IOException(method + " " + path + ": " + a.status() + " " + a.body());
            }
            for (int s : ok) {
                if (a.status() == s) {
                    return Result.OK;
                }
            }
            return Result.REFUSED;
        }

        Result call(String method, String path, String body) throws IOException {
            Answer a = http(method, path, body);
            if (a.status() >= 500) {
                throw new IOException(method + " " + path + ": " + a.status() + " " + a.body());
            }
            if (a.status() != 202) {
                return Result.REFUSED;
            }
            Matcher m = OP.matcher(a.body());
            if (!m.find()) {
                throw new IOException("no operation in " + a.body());
            }
            Answer w = http("GET", m.group(1) + "/wait?timeout=120", null);
            if (w.status() >= 500) {
                throw new IOException("wait " + m.group(1) + ": " + w.status() + " " + w.body());
            }
            if (w.body().contains("\"status_code\":103")) {
                throw new IOException(method + " " + path + ": still running after 120 s (deadlock?)");
            }
            return w.body().contains("\"status_code\":200") ? Result.OK : Result.REFUSED;
        }
    }

    // ------------------------------------------------------------------ set-up, settling, sampling

    private void setUp() throws Exception {
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            ts.add(Thread.ofPlatform().start(() -> {
                try (Client c = new Client(socket)) {
                    for (int i = first; i < containers; i += 4) {
                        c.call("POST", "/1.0/instances", "{\"name\":\"soak" + i + "\",\"source\":{\"type\":\"image\",\"alias\":\"busybox\"},\"start\":true}");
                    }
                } catch (IOException e) {
                    failures.add("set-up: " + e.getMessage());
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    private void settle() throws IOException {
        try (Client c = new Client(socket)) {
            settle(c);
        }
    }

    private void settle(Client c) throws IOException {
        for (int i = 0; i < containers; i++) {
            String ct = "soak" + i;
            c.call("PUT", "/1.0/instances/" + ct + "/state", "{\"action\":\"unfreeze\"}");
            c.call("PUT", "/1.0/instances/" + ct + "/state", "{\"action\":\"start\"}");
            BenchClient.Answer snaps = c.http("GET", "/1.0/instances/" + ct + "/snapshots", null);
            Matcher m = Pattern.compile("/snapshots/([^\"]+)\"").matcher(snaps.body());
            while (m.find()) {
                c.call("DELETE", "/1.0/instances/" + ct + "/snapshots/" + m.group(1), null);
            }
        }
    }

    /** {epoch ms, heap used KiB, threads, fds, rss KiB}; with {@code gc} the heap after a full collection. */
    private long[] sample(boolean gc) throws IOException, InterruptedException {
        long threads = 0;
        long rss = 0;
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("Threads:")) {
                threads = Long.parseLong(l.split("\\s+")[1]);
            } else if (l.startsWith("VmRSS:")) {
                rss = Long.parseLong(l.split("\\s+")[1]);
            }
        }
        long fds;
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = s.count();
        }
        if (gc) {
            jcmd("GC.run");
        }
        long heap = -1;
        Matcher m = Pattern.compile("used (\\d+)K").matcher(jcmd("GC.heap_info"));
        if (m.find()) {
            heap = Long.parseLong(m.group(1));
        }
        return new long[] {System.currentTimeMillis(), heap, threads, fds, rss};
    }

    private String jcmd(String what) throws IOException, InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), what).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private void print(double seconds, long[] before, long[] after) {
        StringBuilder j = new StringBuilder("{");
        j.append("\"seconds\":").append(String.format("%.1f", seconds)).append(",\"clients\":").append(clients)
                .append(",\"containers\":").append(containers).append(",\"counts\":{");
        Map<String, AtomicLong> sorted = new TreeMap<>(counts);
        long total = 0;
        int i = 0;
        for (var e : sorted.entrySet()) {
            j.append(i++ == 0 ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue().get());
            total += e.getValue().get();
        }
        j.append("},\"total\":").append(total).append(",\"latency_ms\":{");
        i = 0;
        for (var e : new TreeMap<>(latencies).entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            Collections.sort(v);
            j.append(i++ == 0 ? "" : ",").append('"').append(e.getKey()).append("\":{\"n\":").append(v.size())
                    .append(",\"p50\":").append(String.format("%.1f", v.get(v.size() / 2)))
                    .append(",\"p99\":").append(String.format("%.1f", v.get(Math.min(v.size() - 1, (int) (v.size() * 0.99)))))
                    .append(",\"max\":").append(String.format("%.1f", v.get(v.size() - 1))).append('}');
        }
        j.append("},\"daemon\":{\"before\":").append(row(before)).append(",\"after\":").append(row(after)).append(",\"samples\":[");
        i = 0;
        for (long[] s : samples) {
            j.append(i++ == 0 ? "" : ",").append(row(s));
        }
        j.append("]},\"failures\":").append(failures.size()).append(",\"failure_examples\":[");
        for (i = 0; i < Math.min(10, failures.size()); i++) {
            j.append(i == 0 ? "" : ",").append('"').append(failures.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        j.append("]}");
        System.out.println(j);
    }

    private static String row(long[] s) {
        return "{\"t\":" + s[0] + ",\"heap_kib\":" + s[1] + ",\"threads\":" + s[2] + ",\"fds\":" + s[3] + ",\"rss_kib\":" + s[4] + "}";
    }
}
