import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Container benchmarks of jlxd against raw liblxc tools, in one run on one machine (see bench/containers.sh, which
 * starts the daemon and prepares the images). JDK only: HTTP/1.1 over the daemon's Unix socket on one keep-alive
 * connection, answers read by Content-Length.
 *
 * <pre>java ContainerBench.java SOCKET LXCPATH RAWDIR JLXC N</pre>
 *
 * Prints one JSON object: per metric the jlxd samples' median and the raw tool's, in milliseconds.
 */
public final class ContainerBench {
    private final SocketChannel ch;
    private final String lxcpath;
    private final Path raw;
    private final String jlxc;
    private final String socketDir;
    private final int n;
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private final Map<String, String> errors = new LinkedHashMap<>();

    private ContainerBench(String socket, String lxcpath, Path raw, String jlxc, int n) throws IOException {
        this.ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        this.lxcpath = lxcpath;
        this.raw = raw;
        this.jlxc = jlxc;
        this.socketDir = Path.of(socket).getParent().toString();
        this.n = n;
    }

    public static void main(String[] a) throws Exception {
        ContainerBench b = new ContainerBench(a[0], a[1], Path.of(a[2]), a[3], Integer.parseInt(a[4]));
        b.run();
    }

    // ------------------------------------------------------------------ HTTP

    record Answer(int status, String body) {
    }

    private Answer http(String method, String path, String body) throws IOException {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: jlxd\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\n") + "Content-Length: " + b.length + "\r\n\r\n";
        ByteBuffer out = ByteBuffer.allocate(head.length() + b.length);
        out.put(head.getBytes(StandardCharsets.US_ASCII)).put(b).flip();
        while (out.hasRemaining()) {
            ch.write(out);
        }
        ByteArrayOutputStream acc = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(65536);
        int headerEnd = -1;
        int length = -1;
        while (true) {
            in.clear();
            int r = ch.read(in);
            if (r < 0) {
                throw new IOException("connection closed");
            }
            acc.write(in.array(), 0, r);
            byte[] all = acc.toByteArray();
            if (headerEnd < 0) {
                String s = new String(all, StandardCharsets.ISO_8859_1);
                int i = s.indexOf("\r\n\r\n");
                if (i < 0) {
                    continue;
                }
                headerEnd = i + 4;
                Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(s.substring(0, i));
                length = m.find() ? Integer.parseInt(m.group(1)) : 0;
            }
            if (all.length >= headerEnd + length) {
                String s = new String(all, 0, headerEnd, StandardCharsets.ISO_8859_1);
                int status = Integer.parseInt(s.substring(9, 12));
                return new Answer(status, new String(all, headerEnd, length, StandardCharsets.UTF_8));
            }
        }
    }

    /** Sends a request answered by an operation and waits for it; throws when it fails. */
    private void op(String method, String path, String body) throws IOException {
        Answer a = http(method, path, body);
        if (a.status() != 202) {
            throw new IOException(method + " " + path + ": " + a.status() + " " + a.body());
        }
        Matcher m = Pattern.compile("\"operation\":\"([^\"]+)\"").matcher(a.body());
        if (!m.find()) {
            throw new IOException("no operation in " + a.body());
        }
        Answer w = http("GET", m.group(1) + "/wait?timeout=120", null);
        if (w.status() != 200 || !w.body().contains("\"status_code\":200")) {
            throw new IOException(method + " " + path + " failed: " + w.body());
        }
    }

    private void state(String name, String action, String extra) throws IOException {
        op("PUT", "/1.0/instances/" + name + "/state", "{\"action\":\"" + action + "\",\"timeout\":30" + extra + "}");
    }

    private void create(String name, String alias) throws IOException {
        op("POST", "/1.0/instances", "{\"name\":\"" + name + "\",\"source\":{\"type\":\"image\",\"alias\":\"" + alias + "\"}}");
    }

    private void exec(String name, String... cmd) throws IOException {
        StringBuilder c = new StringBuilder();
        for (String s : cmd) {
            c.append(c.isEmpty() ? "" : ",").append('"').append(s).append('"');
        }
        op("POST", "/1.0/instances/" + name + "/exec", "{\"command\":[" + c + "],\"wait-for-websocket\":false,\"interactive\":false}");
    }

    /** Runs {@code cmd} until it exits 0 (systemd's bus socket appears a little after RUNNING), 60 s at most. */
    private void execUntilOk(String name, String... cmd) throws IOException, InterruptedException {
        StringBuilder c = new StringBuilder();
        for (String s : cmd) {
            c.append(c.isEmpty() ? "" : ",").append('"').append(s).append('"');
        }
        long end = System.nanoTime() + 60_000_000_000L;
        while (true) {
            Answer a = http("POST", "/1.0/instances/" + name + "/exec",
                    "{\"command\":[" + c + "],\"wait-for-websocket\":false,\"interactive\":false}");
            Matcher m = Pattern.compile("\"operation\":\"([^\"]+)\"").matcher(a.body());
            if (a.status() != 202 || !m.find()) {
                throw new IOException("exec: " + a.status() + " " + a.body());
            }
            Answer w = http("GET", m.group(1) + "/wait?timeout=120", null);
            if (w.body().contains("\"return\":0")) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IOException(String.join(" ", cmd) + " never succeeded: " + w.body());
            }
            Thread.sleep(10);
        }
    }

    private static void shUntilOk(String... cmd) throws IOException, InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                sh(cmd);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    private void delete(String name) throws IOException {
        try {
            state(name, "stop", ",\"force\":true");
        } catch (IOException ignored) {
            // already stopped
        }
        op("DELETE", "/1.0/instances/" + name, null);
    }

    // ------------------------------------------------------------------ raw tools

    private static void sh(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + new String(out, StandardCharsets.UTF_8).strip());
        }
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        sh(Map.of(), cmd);
    }

    /** A raw container: a copy of jlxd container {@code src}'s rootfs and config under RAWDIR, name {@code dst}. */
    private void rawCopy(String src, String dst, Path srcRootfs) throws Exception {
        Path dir = raw.resolve(dst);
        Files.createDirectories(dir);
        String conf = Files.readString(Path.of(lxcpath, src, "config"));
        StringBuilder out = new StringBuilder();
        for (String line : conf.split("\n")) {
            String k = line.split("=", 2)[0].strip();
            if (k.equals("lxc.rootfs.path")) {
                line = "lxc.rootfs.path = dir:" + dir.resolve("rootfs");
            } else if (k.equals("lxc.uts.name")) {
                line = "lxc.uts.name = " + dst;
            } else if (k.startsWith("lxc.log.") || k.startsWith("lxc.hook.")) {
                continue;
            }
            out.append(line).append('\n');
        }
        out.append("lxc.log.file = ").append(dir.resolve("lxc.log")).append('\n');
        Files.writeString(dir.resolve("config"), out);
        sh("cp", "-a", srcRootfs.toString(), dir.resolve("rootfs").toString());
    }

    private void rawStart(String name) throws Exception {
        sh("lxc-start", "-n", name, "-P", raw.toString(), "-d");
        sh("lxc-wait", "-n", name, "-P", raw.toString(), "-s", "RUNNING", "-t", "30");
    }

    private void rawStop(String name) throws Exception {
        sh("lxc-stop", "-n", name, "-P", raw.toString(), "-k");
    }

    private void rawDestroy(String name) throws Exception {
        try {
            rawStop(name);
        } catch (IOException ignored) {
            // not running
        }
        sh("rm", "-rf", raw.resolve(name).toString());
    }

    // ------------------------------------------------------------------ measuring

    interface Step {
        void run() throws Exception;
    }

    private void time(String metric, Step s) {
        long t0 = System.nanoTime();
        try {
            s.run();
            samples.computeIfAbsent(metric, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
        } catch (Exception e) {
            errors.putIfAbsent(metric, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static void quiet(Step s) {
        try {
            s.run();
        } catch (Exception ignored) {
            // best effort
        }
    }

    private void run() throws Exception {
        Path volumes = Path.of(lxcpath).getParent().resolve("storage-pools/default/containers");
        // Reference containers the raw tools copy (their configs and shifted rootfs are jlxd's own).
        create("bench-bb", "busybox");
        create("bench-deb", "debian");
        for (int i = 0; i < n; i++) {
            String b = "bench-b" + i;
            String r = "raw-b" + i;
            // busybox: launch (create + start until RUNNING), then stop --force, start, exec
            time("busybox_launch", () -> {
                create(b, "busybox");
                state(b, "start", "");
            });
            time("raw_busybox_launch", () -> {
                rawCopy("bench-bb", r, volumes.resolve("bench-bb/rootfs"));
                rawStart(r);
            });
            time("busybox_stop_force", () -> state(b, "stop", ",\"force\":true"));
            time("raw_busybox_stop_force", () -> rawStop(r));
            time("busybox_start", () -> state(b, "start", ""));
            time("raw_busybox_start", () -> rawStart(r));
            for (int k = 0; k < 5; k++) {
                time("exec_rest", () -> exec(b, "true"));
                time("exec_cli", () -> sh(Map.of("JLXD_DIR", socketDir), jlxc, "exec", b, "--", "true"));
                time("raw_exec", () -> sh("lxc-attach", "-n", r, "-P", raw.toString(), "--clear-env", "--", "true"));
            }
            time("busybox_stateful_stop", () -> state(b, "stop", ",\"stateful\":true"));
            time("busybox_stateful_start", () -> state(b, "start", ""));
            quiet(() -> delete(b));
            quiet(() -> rawDestroy(r));
            // Debian with systemd: launch until systemd is running
            String d = "bench-d" + i;
            String rd = "raw-d" + i;
            time("debian_launch_running", () -> {
                create(d, "debian");
                state(d, "start", "");
                execUntilOk(d, "systemctl", "is-system-running", "--wait");
            });
            time("raw_debian_launch_running", () -> {
                rawCopy("bench-deb", rd, volumes.resolve("bench-deb/rootfs"));
                rawStart(rd);
                shUntilOk("lxc-attach", "-n", rd, "-P", raw.toString(), "--clear-env", "--", "systemctl", "is-system-running", "--wait");
            });
            time("debian_stateful_stop", () -> state(d, "stop", ",\"stateful\":true"));
            time("debian_stateful_start", () -> state(d, "start", ""));
            quiet(() -> delete(d));
            quiet(() -> rawDestroy(rd));
        }
        quiet(() -> delete("bench-bb"));
        quiet(() -> delete("bench-deb"));
        StringBuilder j = new StringBuilder("{\"n\":").append(n).append(",\"metrics\":{");
        boolean first = true;
        for (var e : samples.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            Collections.sort(v);
            double med = v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2;
            j.append(first ? "" : ",").append(String.format("\"%s\":{\"n\":%d,\"median_ms\":%.2f,\"min_ms\":%.2f,\"max_ms\":%.2f}",
                    e.getKey(), v.size(), med, v.get(0), v.get(v.size() - 1)));
            first = false;
        }
        j.append("},\"errors\":{");
        first = true;
        for (var e : errors.entrySet()) {
            j.append(first ? "" : ",").append('"').append(e.getKey()).append("\":\"")
                    .append(e.getValue().replace("\\", "\\\\").replace("\"", "'").replace("\n", " ")).append('"');
            first = false;
        }
        System.out.println(j.append("}}"));
    }
}
