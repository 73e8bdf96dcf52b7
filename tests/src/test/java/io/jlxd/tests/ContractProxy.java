package io.jlxd.tests;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Unix-socket proxy between a client we do not control (LXD's {@code lxc}, pylxd) and jlxd, that checks every
 * HTTP/1.1 exchange passing through against openapi.yaml with the same {@link OpenApiContract} as the REST Assured
 * {@link ContractFilter}. Bytes are forwarded unchanged; requests and responses are parsed on the way (heads,
 * Content-Length and chunked bodies, keep-alive). A websocket upgrade (101) is validated as an exchange, then the
 * two sockets are relayed raw. Violations are collected: {@link #violations()} must be empty at the end of a test.
 * A request for a path the contract does not have, answered 404 in the error envelope, is not a violation (a
 * client probing, or a test asking on purpose): it is listed in {@link #unknownPaths()}. Likewise a request that
 * breaks the contract and is refused with a documented 4xx ({@link #refusedInvalidRequests()}). Client quirks that are
 * not violations: a GET/HEAD/DELETE body of {@code ""} or {@code null} (lxc query) is no body, and an empty
 * non-JSON response body (an empty log or file) is a body.
 */
public final class ContractProxy implements Closeable {
    /** Bodies larger than this are forwarded but not validated (image uploads and exports). */
    private static final int MAX_VALIDATED_BODY = 4 << 20;

    private final Path socket;
    private final Path upstream;
    private final OpenApiContract contract;
    private final ServerSocketChannel server;
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<String> exchanges = Collections.synchronizedList(new ArrayList<>());
    private final List<String> unknownPaths = Collections.synchronizedList(new ArrayList<>());
    private final List<String> refused = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean closed;

    private ContractProxy(Path socket, Path upstream, OpenApiContract contract) throws IOException {
        this.socket = socket;
        this.upstream = upstream;
        this.contract = contract;
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        Thread.ofVirtual().name("contract-proxy-accept").start(this::acceptLoop);
    }

    /** A proxy listening on {@code socket} in front of jlxd's {@code upstream} socket. */
    public static ContractProxy start(Path socket, Path upstream) throws IOException {
        return new ContractProxy(socket, upstream, OpenApiContract.get());
    }

    public Path socket() {
        return socket;
    }

    /** The contract violations seen so far, one readable block each. */
    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    /** The violations seen so far, forgotten by the proxy. */
    public List<String> drainViolations() {
        synchronized (violations) {
            List<String> v = List.copyOf(violations);
            violations.clear();
            return v;
        }
    }

    /** "METHOD path -> status" of every exchange, in order. */
    public List<String> exchanges() {
        synchronized (exchanges) {
            return List.copyOf(exchanges);
        }
    }

    /** Requests for paths openapi.yaml does not have, answered 404 in LXD's error envelope (not violations). */
    public List<String> unknownPaths() {
        synchronized (unknownPaths) {
            return List.copyOf(unknownPaths);
        }
    }

    /** Requests that break the contract, refused by jlxd with a documented 4xx (not violations: the client erred). */
    public List<String> refusedInvalidRequests() {
        synchronized (refused) {
            return List.copyOf(refused);
        }
    }

    public int count() {
        return count.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().name("contract-proxy-conn").start(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    violations.add("proxy accept failed: " + e);
                }
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client; SocketChannel up = SocketChannel.open(UnixDomainSocketAddress.of(upstream))) {
            InputStream cin = new BufferedInputStream(Channels.newInputStream(client), 65536);
            OutputStream cout = Channels.newOutputStream(client);
            InputStream uin = new BufferedInputStream(Channels.newInputStream(up), 65536);
            OutputStream uout = Channels.newOutputStream(up);
            while (true) {
                Message req = Message.read(cin, null);
                if (req == null) {
                    return; // client closed the connection between requests
                }
                uout.write(req.raw.toByteArray());
                uout.flush();
                Message res = Message.read(uin, req);
                if (res == null) {
                    violations.add(req.startLine + ": jlxd closed the connection without an answer");
                    return;
                }
                // Checked before the client sees the answer, so a test that asks right after its client ends finds
                // the exchange recorded (lxc exits as soon as it has read the answer).
                try {
                    check(req, res);
                } catch (RuntimeException e) {
                    violations.add(req.startLine + ": the contract check failed: " + e);
                }
                cout.write(res.raw.toByteArray());
                cout.flush();
                if (res.status() == 101) {
                    relay(cin, cout, uin, uout, client, up);
                    return;
                }
                if (res.closeAfter || req.closeAfter) {
                    return;
                }
            }
        } catch (IOException e) {
            if (!closed && !(e instanceof EOFException)) {
                violations.add("proxy connection failed: " + e);
            }
        }
    }

    /** After an upgrade: bytes both ways (what is already buffered first) until either side closes. */
    private static void relay(InputStream cin, OutputStream cout, InputStream uin, OutputStream uout,
                              SocketChannel client, SocketChannel up) throws IOException {
        Thread back = Thread.ofVirtual().start(() -> {
            try {
                uin.transferTo(cout);
            } catch (IOException ignored) {
                // the other direction's end closes both
            } finally {
                try {
                    client.shutdownOutput();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        });
        try {
            cin.transferTo(uout);
        } catch (IOException ignored) {
            // closed by the peer
        }
        try {
            up.shutdownOutput();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            back.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void check(Message req, Message res) {
        count.incrementAndGet();
        String[] rl = req.startLine.split(" ");
        URI uri = URI.create(rl[1]);
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        exchanges.add(rl[0] + " " + rl[1] + " -> " + res.status());
        SimpleRequest.Builder b = new SimpleRequest.Builder(rl[0], path);
        ContractFilter.parseQuery(uri.getRawQuery()).forEach(b::withQueryParam);
        req.headers.forEach((k, v) -> {
            if (!k.equalsIgnoreCase("Content-Type")) {
                b.withHeader(k, v);
            }
        });
        String reqType = req.header("Content-Type");
        if (req.body != null && List.of("GET", "HEAD", "DELETE").contains(rl[0])
                && List.of("", "\"\"", "null").contains(new String(req.body, StandardCharsets.UTF_8).strip())) {
            req.body = new byte[0]; // lxc query sends its empty --data JSON-encoded ("") on a GET: no body
        }
        if (req.body == null || req.body.length > 0) { // Go clients send Content-Type on bodiless GETs too
            if (reqType != null) {
                b.withContentType(reqType);
            }
            if (req.body != null) {
                b.withBody(req.body);
            }
        }
        Request request = b.build();
        SimpleResponse.Builder rb = SimpleResponse.Builder.status(res.status());
        res.headers.forEach((k, v) -> {
            if (!k.equalsIgnoreCase("Content-Type")) {
                rb.withHeader(k, v);
            }
        });
        String resType = res.header("Content-Type");
        if (resType != null && !resType.isEmpty()) {
            rb.withContentType(resType);
        }
        if (res.body != null && res.body.length > 0) {
            rb.withBody(res.body);
        }
        var errors = new ArrayList<>(OpenApiContract.errors(contract.validate(request, rb.build())));
        if (res.body != null && res.body.length == 0 && resType != null && !resType.startsWith("application/json")) {
            errors.removeIf(e -> e.getKey().equals("validation.response.body.missing")); // an empty file or log
        }
        if (!errors.isEmpty() && res.status() >= 400 && res.status() < 500
                && errors.stream().allMatch(e -> e.getKey().startsWith("validation.request."))
                && errors.stream().noneMatch(e -> e.getKey().equals("validation.request.path.missing")
                        || e.getKey().equals("validation.request.operation.notAllowed"))
                && OpenApiContract.errors(contract.validateResponse(path, request.getMethod(), rb.build())).isEmpty()) {
            refused.add(rl[0] + " " + rl[1] + " -> " + res.status()); // the client's invalid request, refused as documented
            return;
        }
        if (res.status() == 404 && !errors.isEmpty()
                && errors.stream().allMatch(e -> e.getKey().equals("validation.request.path.missing"))
                && isErrorEnvelope(res.body, 404)) {
            unknownPaths.add(rl[0] + " " + path); // a client probing a path jlxd does not have, answered in LXD's envelope
            return;
        }
        if (!errors.isEmpty()) {
            String body = res.body == null ? "(not captured)" : new String(res.body, StandardCharsets.UTF_8);
            String sent = req.body == null ? "(not captured)" : new String(req.body, StandardCharsets.UTF_8);
            violations.add("Contract violation: " + req.startLine + " -> HTTP " + res.status() + "\n"
                    + OpenApiContract.describe(errors)
                    + "  request body: " + abbreviate(sent) + "\n  response body: " + abbreviate(body));
        }
    }

    /** LXD's error envelope with this code. */
    private static boolean isErrorEnvelope(byte[] body, int code) {
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body == null ? new byte[0] : body);
            return node != null && "error".equals(node.path("type").asText()) && node.path("error_code").asInt() == code
                    && !node.path("error").asText().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        Files.deleteIfExists(socket);
    }

    /** One HTTP/1.1 message as read: the raw bytes to forward, its head, and its (de-chunked) body if small enough. */
    static final class Message {
        final ByteArrayOutputStream raw = new ByteArrayOutputStream();
        String startLine;
        final Map<String, String> headers = new LinkedHashMap<>();
        byte[] body;
        boolean closeAfter;

        int status() {
            return Integer.parseInt(startLine.split(" ")[1]);
        }

        String header(String name) {
            for (Map.Entry<String, String> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return null;
        }

        /** Reads one message; {@code request} is the request a response answers (null when reading a request). */
        static Message read(InputStream in, Message request) throws IOException {
            Message m = new Message();
            String line = m.line(in, true);
            if (line == null) {
                return null;
            }
            m.startLine = line;
            while (!(line = m.line(in, false)).isEmpty()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    String name = line.substring(0, colon).trim();
                    String value = line.substring(colon + 1).trim();
                    m.headers.merge(name, value, (a, c) -> a + ", " + c);
                }
            }
            String connection = m.header("Connection");
            m.closeAfter = connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean keep = true;
            String te = m.header("Transfer-Encoding");
            String cl = m.header("Content-Length");
            boolean noBody = request != null && (m.status() == 101 || m.status() == 204 || m.status() == 304
                    || m.status() / 100 == 1 || request.startLine.startsWith("HEAD "));
            if (noBody) {
                // nothing follows the head
            } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                while (true) {
                    String size = m.line(in, false);
                    int semi = size.indexOf(';');
                    long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                    if (n == 0) {
                        while (!m.line(in, false).isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    keep = m.copy(in, n, body, keep);
                    m.line(in, false);
                }
            } else if (cl != null) {
                keep = m.copy(in, Long.parseLong(cl.trim()), body, keep);
            } else if (request != null) {
                keep = m.copy(in, Long.MAX_VALUE, body, keep); // until the server closes
                m.closeAfter = true;
            }
            m.body = keep ? body.toByteArray() : null;
            return m;
        }

        /** Copies n bytes (or up to EOF for MAX_VALUE) to raw, and to body while it stays small. */
        private boolean copy(InputStream in, long n, ByteArrayOutputStream body, boolean keep) throws IOException {
            byte[] buf = new byte[65536];
            long left = n;
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    if (n == Long.MAX_VALUE) {
                        return keep;
                    }
                    throw new EOFException("body ended early");
                }
                raw.write(buf, 0, r);
                if (keep) {
                    if (body.size() + r > MAX_VALIDATED_BODY) {
                        keep = false;
                        body.reset();
                    } else {
                        body.write(buf, 0, r);
                    }
                }
                left -= r;
            }
            return keep;
        }

        /** One CRLF-terminated line (appended to raw), without the CRLF; null at EOF before any byte if allowed. */
        private String line(InputStream in, boolean eofOk) throws IOException {
            ByteArrayOutputStream l = new ByteArrayOutputStream();
            int prev = -1;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    if (eofOk && l.size() == 0) {
                        return null;
                    }
                    throw new EOFException("connection closed in the middle of a message");
                }
                raw.write(c);
                if (c == '\n' && prev == '\r') {
                    byte[] b = l.toByteArray();
                    return new String(b, 0, b.length - 1, StandardCharsets.ISO_8859_1);
                }
                l.write(c);
                prev = c;
            }
        }
    }
}
