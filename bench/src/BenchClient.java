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
 * What the bench programs share (JDK only, run by the source launcher with the program that uses it): HTTP/1.1 to
 * jlxd over its Unix socket on one keep-alive connection (answers read by Content-Length), operations, raw tool
 * runs, and samples with their JSON summary.
 */
class BenchClient {
    final SocketChannel ch;
    final Map<String, List<Double>> samples = new LinkedHashMap<>();
    final Map<String, String> errors = new LinkedHashMap<>();

    BenchClient(String socket) throws IOException {
        this.ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
    }

    // ------------------------------------------------------------------ HTTP

    record Answer(int status, String body) {
    }

    Answer http(String method, String path, String body) throws IOException {
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
    void op(String method, String path, String body) throws IOException {
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

    void state(String name, String action, String extra) throws IOException {
        op("PUT", "/1.0/instances/" + name + "/state", "{\"action\":\"" + action + "\",\"timeout\":30" + extra + "}");
    }

    void create(String name, String alias) throws IOException {
        op("POST", "/1.0/instances", "{\"name\":\"" + name + "\",\"source\":{\"type\":\"image\",\"alias\":\"" + alias + "\"}}");
    }

    void exec(String name, String... cmd) throws IOException {
        StringBuilder c = new StringBuilder();
        for (String s : cmd) {
            c.append(c.isEmpty() ? "" : ",").append('"').append(s).append('"');
        }
        op("POST", "/1.0/instances/" + name + "/exec", "{\"command\":[" + c + "],\"wait-for-websocket\":false,\"interactive\":false}");
    }

    /** Runs {@code cmd} until it exits 0 (systemd's bus socket appears a little after RUNNING), 60 s at most. */
    void execUntilOk(String name, String... cmd) throws IOException, InterruptedException {
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

    static void shUntilOk(String... cmd) throws IOException, InterruptedException {
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

    void delete(String name) throws IOException {
        try {
            state(name, "stop", ",\"force\":true");
        } catch (IOException ignored) {
            // already stopped
        }
        op("DELETE", "/1.0/instances/" + name, null);
    }

    // ------------------------------------------------------------------ raw tools

    static void sh(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        // stdin /dev/null: a pipe left open would make `jlxc exec` forward an endless stdin
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + new String(out, StandardCharsets.UTF_8).strip());
        }
    }

    static void sh(String... cmd) throws IOException, InterruptedException {
        sh(Map.of(), cmd);
    }

    /** Runs {@code cmd} and returns its standard output (fails on a non-zero exit). */
    static String shOut(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue());
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ measuring

    interface Step {
        void run() throws Exception;
    }

    void time(String metric, Step s) {
        long t0 = System.nanoTime();
        try {
            s.run();
            samples.computeIfAbsent(metric, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
        } catch (Exception e) {
            errors.putIfAbsent(metric, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    static void quiet(Step s) {
        try {
            s.run();
        } catch (Exception ignored) {
            // best effort
        }
    }

    /** {"metrics":{name:{n,median_ms,min_ms,max_ms}},"errors":{...}} of everything timed. */
    String json(int n) {
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
        return j.append("}}").toString();
    }
}
