package io.jlxd.cli.client.ws;

import io.jlxd.cli.client.Connection;
import io.jlxd.cli.client.http.HttpResponse;
import io.jlxd.cli.client.http.HttpWire;
import io.jlxd.cli.client.http.ResponseHead;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.random.RandomGenerator;

/**
 * A client WebSocket (RFC 6455) over any {@link Connection}: masked frames out, unmasked frames in, fragmented
 * messages reassembled, pings answered, and the closing handshake. {@link #receive()} is meant for one reader
 * thread; the send methods may be called from other threads at the same time.
 */
public final class WebSocket implements Closeable {
    /** Largest reassembled message accepted. */
    public static final long MAX_MESSAGE = 64L * 1024 * 1024;
    /** Close status for a normal closure. */
    public static final int NORMAL = 1000;

    private final Connection connection;
    private final InputStream in;
    private final OutputStream out;
    private final RandomGenerator random;
    private final Object writeLock = new Object();
    private volatile boolean closeSent;
    private boolean closeReceived;
    private int closeCode = -1;
    private String closeReason = "";

    /** Wraps a connection on which the handshake already succeeded. */
    public WebSocket(Connection connection, RandomGenerator random) {
        this.connection = connection;
        this.in = connection.input();
        this.out = connection.output();
        this.random = random;
    }

    /**
     * Performs the opening handshake for {@code target} on a fresh connection. If the server answers without
     * upgrading, throws {@link UpgradeRefusedException} carrying its response.
     */
    public static WebSocket connect(Connection connection, String host, String target, RandomGenerator random)
            throws IOException {
        try {
            String key = Handshake.newKey(random);
            HttpWire.writeRequest(connection.output(), Handshake.request(target, key), host);
            ResponseHead head = HttpWire.readHead(connection.input());
            if (head.status() != 101) {
                byte[] body = HttpWire.readBody(HttpWire.bodyStream(connection.input(), head, "GET"), 1 << 20);
                throw new UpgradeRefusedException(new HttpResponse(head, body));
            }
            Handshake.verify(head, key);
            return new WebSocket(connection, random);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * The next data message, or null once the server has closed the WebSocket (see {@link #closeCode()}).
     * Throws {@link EOFException} if the connection drops without a close frame.
     */
    public Message receive() throws IOException {
        if (closeReceived) {
            return null;
        }
        ByteArrayOutputStream partial = null;
        int partialOpcode = 0;
        while (true) {
            Frame frame;
            try {
                frame = Frame.read(in);
            } catch (WebSocketException e) {
                throw fail(e.closeCode(), e.getMessage());
            } catch (IOException e) {
                connection.close();
                if (closeSent) {
                    closeReceived = true;
                    return null;
                }
                throw e instanceof EOFException ? e : new EOFException("connection lost: " + e.getMessage());
            }
            if (frame.masked()) {
                throw fail(1002, "the server sent a masked frame");
            }
            switch (frame.opcode()) {
                case Frame.PING -> send(new Frame(true, Frame.PONG, frame.payload()));
                case Frame.PONG -> {
                    // unsolicited pongs are allowed and ignored
                }
                case Frame.CLOSE -> {
                    onClose(frame.payload());
                    return null;
                }
                case Frame.TEXT, Frame.BINARY -> {
                    if (partial != null) {
                        throw fail(1002, "new message inside a fragmented message");
                    }
                    if (frame.fin()) {
                        return message(frame.opcode(), frame.payload());
                    }
                    partial = new ByteArrayOutputStream();
                    partial.writeBytes(frame.payload());
                    partialOpcode = frame.opcode();
                }
                case Frame.CONTINUATION -> {
                    if (partial == null) {
                        throw fail(1002, "continuation frame without a message to continue");
                    }
                    if ((long) partial.size() + frame.payload().length > MAX_MESSAGE) {
                        throw fail(1009, "message larger than " + MAX_MESSAGE + " bytes");
                    }
                    partial.writeBytes(frame.payload());
                    if (frame.fin()) {
                        return message(partialOpcode, partial.toByteArray());
                    }
                }
                default -> throw fail(1002, "unknown opcode " + frame.opcode());
            }
        }
    }

    public void sendText(String text) throws IOException {
        send(new Frame(true, Frame.TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }

    public void sendBinary(byte[] data) throws IOException {
        send(new Frame(true, Frame.BINARY, data));
    }

    public void ping(byte[] data) throws IOException {
        send(new Frame(true, Frame.PING, data));
    }

    /** Sends a close frame (once) and closes the connection without waiting for the server's reply. */
    public void close(int code, String reason) {
        try {
            sendClose(code, reason);
        } catch (IOException ignored) {
            // closing anyway
        }
        connection.close();
    }

    @Override
    public void close() {
        close(NORMAL, "");
    }

    /** The status code of the server's close frame; 1005 if it had none, -1 if none was received. */
    public int closeCode() {
        return closeCode;
    }

    public String closeReason() {
        return closeReason;
    }

    private void send(Frame frame) throws IOException {
        synchronized (writeLock) {
            if (closeSent) {
                throw new IOException("the WebSocket is closed");
            }
            byte[] key = new byte[4];
            random.nextBytes(key);
            Frame.write(out, frame, key);
            out.flush();
        }
    }

    private void sendClose(int code, String reason) throws IOException {
        synchronized (writeLock) {
            if (closeSent) {
                return;
            }
            byte[] payload = closePayload(code, reason);
            byte[] key = new byte[4];
            random.nextBytes(key);
            closeSent = true;
            Frame.write(out, new Frame(true, Frame.CLOSE, payload), key);
            out.flush();
        }
    }

    private void onClose(byte[] payload) throws IOException {
        closeReceived = true;
        if (payload.length == 1) {
            throw fail(1002, "close frame with a one-byte payload");
        }
        if (payload.length >= 2) {
            closeCode = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            if (!validCloseCode(closeCode)) {
                throw fail(1002, "invalid close code " + closeCode);
            }
            try {
                closeReason = utf8(ByteBuffer.wrap(payload, 2, payload.length - 2));
            } catch (CharacterCodingException e) {
                throw fail(1007, "close reason is not UTF-8");
            }
        } else {
            closeCode = 1005;
        }
        try {
            sendClose(closeCode == 1005 ? NORMAL : closeCode, "");
        } catch (IOException ignored) {
            // the server may already be gone
        }
        connection.close();
    }

    private Message message(int opcode, byte[] data) throws IOException {
        if (opcode == Frame.TEXT) {
            try {
                utf8(ByteBuffer.wrap(data));
            } catch (CharacterCodingException e) {
                throw fail(1007, "text message is not valid UTF-8");
            }
        }
        return new Message(opcode == Frame.TEXT, data);
    }

    private WebSocketException fail(int code, String message) {
        close(code, "");
        return new WebSocketException(code, message);
    }

    static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(text.length, 123);
        byte[] payload = new byte[2 + len];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, len);
        return payload;
    }

    static boolean validCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    private static String utf8(ByteBuffer bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(bytes).toString();
    }
}
