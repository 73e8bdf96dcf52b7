package io.jlxd.tests;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A minimal RFC 6455 client for {@code /1.0/events} over the Unix socket (REST Assured has no websockets). The
 * handshake request/response pair is checked against openapi.yaml (101 upgrade), every text frame is parsed and
 * checked against {@code #/components/schemas/Event}; violations fail the next {@code await*} call.
 */
public final class EventStream implements AutoCloseable {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WsWire wire;
    private final LinkedBlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
    private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;
    private volatile boolean closed;
    private volatile String endReason;

    private EventStream(SocketChannel channel) {
        this.wire = new WsWire(channel);
        this.reader = Thread.ofPlatform().daemon().name("events-reader").unstarted(this::readLoop);
    }

    /** Opens {@code /1.0/events} (with {@code ?query} if not null, e.g. "type=operation"). */
    public static EventStream open(Path socket, String query) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        EventStream s = new EventStream(ch);
        try {
            s.handshake(query);
        } catch (IOException | RuntimeException | Error e) {
            ch.close();
            throw e;
        }
        s.reader.start();
        return s;
    }

    private void handshake(String query) throws IOException {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String target = "/1.0/events" + (query == null ? "" : "?" + query);
        String req = "GET " + target + " HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        wire.writeFully(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));

        String statusLine = wire.readLine();
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = wire.readLine(); !h.isEmpty(); h = wire.readLine()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
        }
        byte[] body = new byte[0];
        String length = header(headers, "Content-Length");
        if (status != 101 && length != null) {
            body = wire.readBytes(Integer.parseInt(length));
        }

        // The handshake is an API exchange too: check it against the contract.
        SimpleRequest.Builder rb = new SimpleRequest.Builder(Request.Method.GET, "/1.0/events")
                .withHeader("Host", "localhost").withHeader("Upgrade", "websocket").withHeader("Connection", "Upgrade")
                .withHeader("Sec-WebSocket-Key", key).withHeader("Sec-WebSocket-Version", "13");
        ContractFilter.parseQuery(query).forEach(rb::withQueryParam);
        SimpleResponse.Builder sb = SimpleResponse.Builder.status(status);
        headers.forEach((k, v) -> {
            if (k.equalsIgnoreCase("Content-Type")) {
                sb.withContentType(v);
            } else {
                sb.withHeader(k, v);
            }
        });
        if (body.length > 0) {
            sb.withBody(body);
        }
        List<ValidationReport.Message> errors = OpenApiContract.errors(OpenApiContract.get().validate(rb.build(), sb.build()));
        if (!errors.isEmpty()) {
            throw new AssertionError("Contract violation: GET " + target + " -> HTTP " + status + "\n"
                    + OpenApiContract.describe(errors) + "  response body: " + new String(body, StandardCharsets.UTF_8));
        }
        if (status != 101) {
            throw new AssertionError("GET " + target + " answered " + statusLine + " instead of 101: "
                    + new String(body, StandardCharsets.UTF_8));
        }
        String expectedAccept = accept(key);
        if (!expectedAccept.equals(header(headers, "Sec-WebSocket-Accept"))) {
            throw new AssertionError("bad Sec-WebSocket-Accept " + header(headers, "Sec-WebSocket-Accept")
                    + ", expected " + expectedAccept);
        }
    }

    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(Map<String, String> headers, String name) {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private void readLoop() {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int messageOpcode = -1;
        try {
            while (!closed) {
                int b0 = wire.readByte();
                int b1 = wire.readByte();
                boolean fin = (b0 & 0x80) != 0;
                int opcode = b0 & 0x0f;
                boolean masked = (b1 & 0x80) != 0;
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = ((wire.readByte() << 8) | wire.readByte());
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | wire.readByte();
                    }
                }
                if (masked) {
                    violations.add("the server sent a masked frame (RFC 6455 5.1 forbids it)");
                }
                byte[] mask = masked ? wire.readBytes(4) : null;
                if (len > 16 * 1024 * 1024) {
                    throw new IOException("frame too large: " + len);
                }
                byte[] payload = wire.readBytes((int) len);
                if (mask != null) {
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= mask[i % 4];
                    }
                }
                switch (opcode) {
                    case 0x0, 0x1, 0x2 -> {
                        if (opcode != 0) {
                            messageOpcode = opcode;
                            message.reset();
                        }
                        message.write(payload);
                        if (fin) {
                            if (messageOpcode == 0x1) {
                                onText(message.toString(StandardCharsets.UTF_8));
                            } else {
                                violations.add("binary message on /1.0/events");
                            }
                        }
                    }
                    case 0x8 -> {
                        endReason = "the server closed the websocket"
                                + (payload.length >= 2 ? " with code " + (((payload[0] & 0xff) << 8) | (payload[1] & 0xff)) : "");
                        wire.sendFrame(0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                        return;
                    }
                    case 0x9 -> wire.sendFrame(0xA, payload);
                    case 0xA -> {
                    }
                    default -> violations.add("unknown websocket opcode " + opcode);
                }
            }
        } catch (IOException e) {
            if (!closed) {
                endReason = "the events websocket broke: " + e;
            }
        }
    }

    private void onText(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            violations.add("event is not JSON: " + text);
            return;
        }
        List<ValidationReport.Message> errors = OpenApiContract.errors(OpenApiContract.get().validateSchema(text, "Event"));
        if (!errors.isEmpty()) {
            violations.add("event does not match #/components/schemas/Event:\n" + OpenApiContract.describe(errors)
                    + "  event: " + text);
        }
        received.add(node);
        queue.add(node);
    }

    /** Waits for the next event matching {@code match} (events before it are consumed); fails after {@code timeout}. */
    public JsonNode await(Predicate<JsonNode> match, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            checkViolations();
            long left = deadline - System.nanoTime();
            JsonNode next = null;
            if (left > 0) {
                try {
                    next = queue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            if (next != null && match.test(next)) {
                checkViolations();
                return next;
            }
            if (next == null && System.nanoTime() >= deadline) {
                throw new AssertionError("no event " + what + " within " + timeout.toMillis() + " ms"
                        + (endReason != null ? " (" + endReason + ")" : "") + "; received: " + received());
            }
        }
    }

    /** Every event received so far (also those consumed by {@link #await}). */
    public List<JsonNode> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits {@code quiet} and returns everything received so far. */
    public List<JsonNode> receivedAfter(Duration quiet) {
        JlxdDaemon.sleep(quiet.toMillis());
        checkViolations();
        return received();
    }

    public void checkViolations() {
        synchronized (violations) {
            if (!violations.isEmpty()) {
                throw new AssertionError("events websocket: " + String.join("\n", violations));
            }
        }
    }

    /** Why the stream ended, or null while it is open. */
    public String endReason() {
        return endReason;
    }


    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (endReason == null) {
                wire.sendFrame(0x8, new byte[] {0x03, (byte) 0xe8}); // 1000 normal closure
            }
        } catch (IOException ignored) {
            // the server may be gone already
        }
        try {
            wire.channel.close();
        } catch (IOException ignored) {
            // closing
        }
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "EventStream[" + (closed ? "closed" : "open") + ", " + received.size() + " events]";
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
