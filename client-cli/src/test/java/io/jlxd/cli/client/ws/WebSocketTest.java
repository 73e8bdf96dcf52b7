package io.jlxd.cli.client.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.cli.client.FakeConnection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WebSocketTest {

    /** Server frames (unmasked), as the scripted input of a connection. */
    private static byte[] server(Frame... frames) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame f : frames) {
            Frame.write(out, f, null);
        }
        return out.toByteArray();
    }

    /** The frames the client wrote (all must be masked). */
    private static List<Frame> sent(FakeConnection c) throws Exception {
        InputStream in = new ByteArrayInputStream(c.written());
        List<Frame> frames = new ArrayList<>();
        while (in.available() > 0) {
            Frame f = Frame.read(in);
            assertTrue(f.masked(), "client frames are masked");
            frames.add(f);
        }
        return frames;
    }

    private static Frame text(boolean fin, int opcode, String s) {
        return new Frame(fin, opcode, s.getBytes(StandardCharsets.UTF_8));
    }

    private static final Frame CLOSE_NORMAL = new Frame(true, Frame.CLOSE, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'});

    @Test
    void reassemblesFragmentsAndAnswersPingsInBetween() throws Exception {
        FakeConnection c = new FakeConnection(server(
                text(false, Frame.TEXT, "{\"type\":"),
                new Frame(true, Frame.PING, "hb".getBytes()),
                text(false, Frame.CONTINUATION, "\"logging\""),
                text(true, Frame.CONTINUATION, "}"),
                new Frame(true, Frame.BINARY, new byte[] {1, 2}),
                CLOSE_NORMAL));
        WebSocket ws = new WebSocket(c, new Random(7));
        Message m = ws.receive();
        assertTrue(m.isText());
        assertEquals("{\"type\":\"logging\"}", m.text());
        Message bin = ws.receive();
        assertFalse(bin.isText());
        assertArrayEquals(new byte[] {1, 2}, bin.data());
        assertNull(ws.receive());
        assertNull(ws.receive(), "stays closed");
        assertEquals(1000, ws.closeCode());
        assertEquals("bye", ws.closeReason());
        assertTrue(c.closed());
        List<Frame> out = sent(c);
        assertEquals(Frame.PONG, out.get(0).opcode());
        assertArrayEquals("hb".getBytes(), out.get(0).payload());
        assertEquals(Frame.CLOSE, out.get(1).opcode());
        assertArrayEquals(new byte[] {0x03, (byte) 0xE8}, out.get(1).payload(), "close echoed with its code");
    }

    @Test
    void sendsMaskedDataAndCloseOnce() throws Exception {
        FakeConnection c = new FakeConnection(new byte[0]);
        WebSocket ws = new WebSocket(c, new Random(1));
        ws.sendText("héllo");
        ws.sendBinary(new byte[] {9});
        ws.close(1001, "going away");
        ws.close();
        assertThrows(java.io.IOException.class, () -> ws.sendText("late"));
        List<Frame> out = sent(c);
        assertEquals(3, out.size());
        assertEquals("héllo", new String(out.get(0).payload(), StandardCharsets.UTF_8));
        assertEquals(Frame.BINARY, out.get(1).opcode());
        assertEquals(Frame.CLOSE, out.get(2).opcode());
        assertEquals("going away", new String(out.get(2).payload(), 2, out.get(2).payload().length - 2,
                StandardCharsets.UTF_8));
    }

    @Test
    void emptyCloseFrameMeansNoStatus() throws Exception {
        WebSocket ws = new WebSocket(new FakeConnection(server(new Frame(true, Frame.CLOSE, new byte[0]))), new Random());
        assertNull(ws.receive());
        assertEquals(1005, ws.closeCode());
    }

    @Test
    void protocolViolationsCloseWithTheRightCode() throws Exception {
        assertClosesWith(1002, new Frame(true, Frame.TEXT, "x".getBytes(), false), true);
        assertClosesWith(1002, text(true, Frame.CONTINUATION, "orphan"), false);
        assertClosesWith(1007, new Frame(true, Frame.TEXT, new byte[] {(byte) 0xC3, 0x28}), false);
        assertClosesWith(1002, new Frame(true, 0x3, new byte[0]), false);
        assertClosesWith(1002, new Frame(true, Frame.CLOSE, new byte[] {0x03, (byte) 0xED}), false);
        assertClosesWith(1002, new Frame(true, Frame.CLOSE, new byte[] {0x03}), false);
    }

    @Test
    void newMessageInsideAFragmentedOneIsRefused() throws Exception {
        FakeConnection c = new FakeConnection(server(text(false, Frame.TEXT, "a"), text(true, Frame.TEXT, "b")));
        WebSocketException e = assertThrows(WebSocketException.class, () -> new WebSocket(c, new Random()).receive());
        assertEquals(1002, e.closeCode());
    }

    @Test
    void droppedConnectionWithoutCloseFrame() throws Exception {
        byte[] script = server(text(true, Frame.TEXT, "one"));
        FakeConnection c = new FakeConnection(new String(script, StandardCharsets.ISO_8859_1), true);
        WebSocket ws = new WebSocket(c, new Random());
        assertEquals("one", ws.receive().text());
        assertThrows(EOFException.class, ws::receive);
    }

    private static void assertClosesWith(int code, Frame frame, boolean masked) throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        Frame.write(wire, frame, masked ? new byte[] {1, 2, 3, 4} : null);
        FakeConnection c = new FakeConnection(wire.toByteArray());
        WebSocketException e = assertThrows(WebSocketException.class, () -> new WebSocket(c, new Random()).receive());
        assertEquals(code, e.closeCode());
        List<Frame> out = sent(c);
        assertEquals(Frame.CLOSE, out.getLast().opcode());
        assertEquals(code, ((out.getLast().payload()[0] & 0xff) << 8) | (out.getLast().payload()[1] & 0xff));
        assertTrue(c.closed());
    }
}
