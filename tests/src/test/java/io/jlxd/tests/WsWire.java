package io.jlxd.tests;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;

/**
 * The raw side of the tests' websocket clients ({@link EventStream}, {@link ExecChannel}): a blocking Unix-socket
 * channel with a read buffer, line reads for the HTTP handshake, and masked frame writes (RFC 6455).
 */
final class WsWire {
    final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024).flip();

    WsWire(SocketChannel channel) {
        this.channel = channel;
    }

    int readByte() throws IOException {
        if (!in.hasRemaining()) {
            fill();
        }
        return in.get() & 0xff;
    }

    byte[] readBytes(int n) throws IOException {
        byte[] out = new byte[n];
        int off = 0;
        while (off < n) {
            if (!in.hasRemaining()) {
                fill();
            }
            int k = Math.min(in.remaining(), n - off);
            in.get(out, off, k);
            off += k;
        }
        return out;
    }

    private void fill() throws IOException {
        in.clear();
        int n = channel.read(in);
        in.flip();
        if (n < 0) {
            throw new EOFException("end of stream");
        }
    }

    String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = readByte();
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
    }

    void writeFully(ByteBuffer buf) throws IOException {
        synchronized (channel) {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }
    }

    /** Sends one masked frame (clients must mask). */
    void sendFrame(int opcode, byte[] payload) throws IOException {
        sendFrame(opcode, payload, true);
    }

    /** The same, with FIN clear for a fragment that more frames continue (opcode 0 for the continuations). */
    void sendFrame(int opcode, byte[] payload, boolean fin) throws IOException {
        byte[] mask = new byte[4];
        new SecureRandom().nextBytes(mask);
        ByteBuffer buf = ByteBuffer.allocate(14 + payload.length);
        buf.put((byte) ((fin ? 0x80 : 0) | opcode));
        if (payload.length < 126) {
            buf.put((byte) (0x80 | payload.length));
        } else if (payload.length < 65536) {
            buf.put((byte) (0x80 | 126)).putShort((short) payload.length);
        } else {
            buf.put((byte) (0x80 | 127)).putLong(payload.length);
        }
        buf.put(mask);
        for (int i = 0; i < payload.length; i++) {
            buf.put((byte) (payload[i] ^ mask[i % 4]));
        }
        buf.flip();
        writeFully(buf);
    }
}
