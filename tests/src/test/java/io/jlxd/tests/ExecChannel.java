package io.jlxd.tests;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A raw websocket client for one channel of a websocket operation ({@code /1.0/operations/{id}/websocket?secret=}),
 * over the daemon's Unix socket: collects what the server sends until it closes, sends binary and text frames.
 * The handshake is checked against openapi.yaml.
 */
public final class ExecChannel implements AutoCloseable {
    private final WsWire wire;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final Thread reader;
    /** The server's close frame: status code (-1 before it closed) and reason. */
    public volatile int closeCode = -1;
    public volatile String closeReason = "";

    /** Sends a binary message in fragments (FIN only on the last). */
    public void sendFragmented(byte[]... parts) throws IOException {
        for (int i = 0; i < parts.length; i++) {
            wire.sendFrame(i == 0 ? 0x2 : 0x0, parts[i], i == parts.length - 1);
        }
    }

    /** HTTP status of the handshake (101 when upgraded). */
    public final int status;

    private ExecChannel(WsWire wire, int status) {
        this.wire = wire;
        this.status = status;
        this.reader = Thread.ofPlatform().daemon().name("exec-channel").unstarted(this::readLoop);
    }

    /** Connects; returns a channel whose {@link #status} is 101, or the refusal status (channel then closed). */
    public static ExecChannel open(Path socket, String operationId, String secret) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        ExecChannel probe = new ExecChannel(new WsWire(ch), 0);
        int status = probe.handshake(operationId, secret);
        ExecChannel c = new ExecChannel(probe.wire, status);
        if (status == 101) {
            c.reader.start();
        } else {
            ch.close();
        }
        return c;
    }

    private int handshake(String operationId, String secret) throws IOException {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String path = "/1.0/operations/" + operationId + "/websocket";
        String req = "GET " + path + "?secret=" + secret + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        wire.writeFully(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
        String statusLine = wire.readLine();
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = wire.readLine(); !h.isEmpty(); h = wire.readLine()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
        }
        byte[] body = new byte[0];
        String length = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Content-Length"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (status != 101 && length != null) {
            body = wire.readBytes(Integer.parseInt(length));
        }
        SimpleRequest.Builder rb = new SimpleRequest.Builder(Request.Method.GET, path)
                .withHeader("Host", "localhost").withHeader("Upgrade", "websocket").withHeader("Connection", "Upgrade")
                .withHeader("Sec-WebSocket-Key", key).withHeader("Sec-WebSocket-Version", "13")
                .withQueryParam("secret", secret);
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
        // Helidon refuses an upgrade (WsUpgradeException) with a bare 400 without body: only its status is checked
        List<ValidationReport.Message> errors = status == 400 && body.length == 0 ? List.of()
                : OpenApiContract.errors(OpenApiContract.get().validate(rb.build(), sb.build()));
        if (!errors.isEmpty()) {
            throw new AssertionError("Contract violation: GET " + path + " -> HTTP " + status + "\n" + OpenApiContract.describe(errors));
        }
        return status;
    }

    /** Everything received as binary data (so far). */
    public synchronized byte[] received() {
        return data.toByteArray();
    }

    public String receivedText() {
        return new String(received(), StandardCharsets.UTF_8);
    }

    /** Waits until the server closed the channel; everything it sent. */
    public String awaitEnd(long seconds) throws Exception {
        ended.get(seconds, TimeUnit.SECONDS);
        return receivedText();
    }

    /** Waits until the received text contains {@code s}. */
    public void awaitText(String s, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!receivedText().contains(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("did not receive \"" + s + "\"; got: " + receivedText());
            }
            Thread.sleep(20);
        }
    }

    public void sendBinary(byte[] payload) throws IOException {
        wire.sendFrame(0x2, payload);
    }

    public void sendText(String text) throws IOException {
        wire.sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    private void readLoop() {
        try {
            while (true) {
                int b0 = wire.readByte();
                int b1 = wire.readByte();
                int opcode = b0 & 0x0f;
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = (wire.readByte() << 8) | wire.readByte();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | wire.readByte();
                    }
                }
                byte[] payload = wire.readBytes((int) len);
                switch (opcode) {
                    case 0x0, 0x1, 0x2 -> {
                        synchronized (this) {
                            data.write(payload);
                        }
                    }
                    case 0x8 -> {
                        if (payload.length >= 2) {
                            closeCode = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
                            closeReason = new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
                        }
                        try {
                            wire.sendFrame(0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                        } catch (IOException ignored) {
                            // gone
                        }
                        return;
                    }
                    case 0x9 -> wire.sendFrame(0xA, payload);
                    default -> {
                    }
                }
            }
        } catch (IOException e) {
            // ended
        } finally {
            ended.complete(null);
        }
    }


    /** Sends a close frame (the end of stdin on channel 0) and closes the connection once the server answers. */
    public void sendClose() throws IOException {
        wire.sendFrame(0x8, new byte[] {0x03, (byte) 0xe8});
    }

    @Override
    public void close() {
        try {
            if (!ended.isDone()) {
                sendClose();
            }
        } catch (IOException ignored) {
            // gone
        }
        try {
            ended.get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing anyway
        }
        try {
            wire.channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
