package io.jlxd.cli.client.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameTest {
    private static final byte[] HELLO = "Hello".getBytes();
    private static final byte[] KEY = {0x37, (byte) 0xfa, 0x21, 0x3d};

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] encode(Frame f, byte[] key) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frame.write(out, f, key);
        return out.toByteArray();
    }

    private static Frame decode(byte[] wire) throws Exception {
        return Frame.read(new ByteArrayInputStream(wire));
    }

    @Test
    void rfc6455Examples() throws Exception {
        // section 5.7: a single-frame unmasked and masked text message "Hello"
        assertArrayEquals(bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f), encode(new Frame(true, Frame.TEXT, HELLO), null));
        byte[] masked = bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58);
        assertArrayEquals(masked, encode(new Frame(true, Frame.TEXT, HELLO), KEY));
        Frame decoded = decode(masked);
        assertTrue(decoded.masked());
        assertArrayEquals(HELLO, decoded.payload());
        // fragmented unmasked "Hel" + "lo"
        Frame first = decode(bytes(0x01, 0x03, 0x48, 0x65, 0x6c));
        assertFalse(first.fin());
        assertEquals(Frame.TEXT, first.opcode());
        Frame last = decode(bytes(0x80, 0x02, 0x6c, 0x6f));
        assertTrue(last.fin());
        assertEquals(Frame.CONTINUATION, last.opcode());
        // unmasked ping with "Hello"
        assertEquals(Frame.PING, decode(bytes(0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f)).opcode());
    }

    @Test
    void extendedLengths() throws Exception {
        byte[] p256 = new byte[256];
        Arrays.fill(p256, (byte) 7);
        byte[] wire = encode(new Frame(true, Frame.BINARY, p256), null);
        assertArrayEquals(bytes(0x82, 0x7E, 0x01, 0x00), Arrays.copyOf(wire, 4));
        assertArrayEquals(p256, decode(wire).payload());

        byte[] p64k = new byte[65536];
        wire = encode(new Frame(true, Frame.BINARY, p64k), KEY);
        assertArrayEquals(bytes(0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0), Arrays.copyOf(wire, 10));
        assertEquals(65536 + 14, wire.length);
        assertArrayEquals(p64k, decode(wire).payload());

        assertArrayEquals(new byte[125], decode(encode(new Frame(true, Frame.TEXT, new byte[125]), KEY)).payload());
        assertEquals(0x7E, encode(new Frame(true, Frame.TEXT, new byte[126]), null)[1]);
    }

    @Test
    void maskingIsItsOwnInverse() {
        byte[] data = "any payload at all".getBytes();
        assertArrayEquals(data, Frame.applyMask(Frame.applyMask(data, KEY), KEY));
    }

    @Test
    void invalidFrames() throws Exception {
        WebSocketException rsv = assertThrows(WebSocketException.class, () -> decode(bytes(0xC1, 0x00)));
        assertEquals(1002, rsv.closeCode());
        assertThrows(WebSocketException.class, () -> decode(bytes(0x09, 0x00)), "fragmented ping");
        assertThrows(WebSocketException.class, () -> decode(bytes(0x89, 0x7E, 0x00, 0x7E)), "126-byte ping");
        assertThrows(WebSocketException.class, () -> decode(bytes(0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0)),
                "64-bit length with the top bit set");
        assertEquals(1009, assertThrows(WebSocketException.class,
                () -> decode(bytes(0x82, 0x7F, 0, 0, 0, 1, 0, 0, 0, 0))).closeCode());
        assertThrows(EOFException.class, () -> decode(bytes(0x81, 0x05, 0x48)));
        assertThrows(EOFException.class, () -> decode(bytes(0x81)));
        assertThrows(IllegalArgumentException.class,
                () -> encode(new Frame(true, Frame.PING, new byte[126]), KEY));
        assertThrows(IllegalArgumentException.class, () -> encode(new Frame(false, Frame.CLOSE, new byte[0]), KEY));
    }
}
