package io.jlxd.cli.client.ws;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One WebSocket frame (RFC 6455 section 5.2) and its wire codec. The payload is always held unmasked;
 * {@link #write} masks it when given a key, {@link #read} unmasks it and reports whether it was masked.
 */
public record Frame(boolean fin, int opcode, byte[] payload, boolean masked) {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    /** Largest frame payload accepted when reading. */
    public static final long MAX_PAYLOAD = 64L * 1024 * 1024;

    public Frame {
        if (opcode < 0 || opcode > 0xF) {
            throw new IllegalArgumentException("bad opcode " + opcode);
        }
        payload = payload == null ? new byte[0] : payload;
    }

    public Frame(boolean fin, int opcode, byte[] payload) {
        this(fin, opcode, payload, false);
    }

    public boolean isControl() {
        return (opcode & 0x8) != 0;
    }

    /** Writes the frame; with a 4-byte {@code maskKey} (client to server) the payload is masked. */
    public static void write(OutputStream out, Frame frame, byte[] maskKey) throws IOException {
        byte[] payload = frame.payload();
        int len = payload.length;
        if (frame.isControl() && (len > 125 || !frame.fin())) {
            throw new IllegalArgumentException("control frames must be final and at most 125 bytes");
        }
        boolean mask = maskKey != null;
        byte[] header = new byte[14];
        int h = 0;
        header[h++] = (byte) ((frame.fin() ? 0x80 : 0) | frame.opcode());
        int maskBit = mask ? 0x80 : 0;
        if (len <= 125) {
            header[h++] = (byte) (maskBit | len);
        } else if (len <= 0xFFFF) {
            header[h++] = (byte) (maskBit | 126);
            header[h++] = (byte) (len >>> 8);
            header[h++] = (byte) len;
        } else {
            header[h++] = (byte) (maskBit | 127);
            long l = len;
            for (int shift = 56; shift >= 0; shift -= 8) {
                header[h++] = (byte) (l >>> shift);
            }
        }
        byte[] data = payload;
        if (mask) {
            if (maskKey.length != 4) {
                throw new IllegalArgumentException("the masking key has 4 bytes");
            }
            System.arraycopy(maskKey, 0, header, h, 4);
            h += 4;
            data = applyMask(payload, maskKey);
        }
        out.write(header, 0, h);
        out.write(data);
    }

    /** Reads one frame. Reserved bits must be clear (no extension is negotiated). */
    public static Frame read(InputStream in) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            throw new EOFException("connection closed");
        }
        int b1 = readByte(in);
        if ((b0 & 0x70) != 0) {
            throw new WebSocketException(1002, "reserved bits set in a frame");
        }
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        boolean masked = (b1 & 0x80) != 0;
        long len = b1 & 0x7F;
        if (len == 126) {
            len = (readByte(in) << 8) | readByte(in);
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte(in);
            }
            if (len < 0) {
                throw new WebSocketException(1002, "frame length with the most significant bit set");
            }
        }
        if ((opcode & 0x8) != 0 && (len > 125 || !fin)) {
            throw new WebSocketException(1002, "fragmented or oversized control frame");
        }
        if (len > MAX_PAYLOAD) {
            throw new WebSocketException(1009, "frame of " + len + " bytes is too big");
        }
        byte[] key = masked ? in.readNBytes(4) : null;
        if (key != null && key.length != 4) {
            throw new EOFException("connection closed inside a frame header");
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length != len) {
            throw new EOFException("connection closed inside a frame");
        }
        return new Frame(fin, opcode, masked ? applyMask(payload, key) : payload, masked);
    }

    /** XORs data with the 4-byte key (masking and unmasking are the same operation). */
    public static byte[] applyMask(byte[] data, byte[] key) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (byte) (data[i] ^ key[i & 3]);
        }
        return out;
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed inside a frame header");
        }
        return b;
    }
}
