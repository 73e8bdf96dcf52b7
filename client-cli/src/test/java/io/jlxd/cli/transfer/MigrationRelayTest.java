package io.jlxd.cli.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.cli.CliException;
import io.jlxd.cli.client.Connection;
import io.jlxd.cli.client.FakeConnection;
import io.jlxd.cli.client.ws.Frame;
import io.jlxd.cli.client.ws.WebSocket;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Relay mode copies each channel's messages between the two daemons' websockets, kinds and order kept. */
class MigrationRelayTest {

    /** A connection to a daemon that sends nothing until it is closed (then EOF); what the client writes is kept. */
    static final class Quiet implements Connection {
        final PipedOutputStream feed = new PipedOutputStream();
        final InputStream in;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Quiet() throws IOException {
            in = new PipedInputStream(feed);
        }

        @Override
        public InputStream input() {
            return in;
        }

        @Override
        public OutputStream output() {
            return out;
        }

        @Override
        public void close() {
            try {
                feed.close();
            } catch (IOException ignored) {
                // closed already
            }
        }

        synchronized byte[] written() {
            return out.toByteArray();
        }
    }

    private static byte[] server(Frame... frames) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame f : frames) {
            Frame.write(out, f, null);
        }
        return out.toByteArray();
    }

    private static List<Frame> frames(byte[] written) throws IOException {
        InputStream in = new ByteArrayInputStream(written);
        List<Frame> out = new ArrayList<>();
        while (in.available() > 0) {
            out.add(Frame.read(in));
        }
        return out;
    }

    @Test
    void copiesBinaryDataAndTextBarriersInOrderThenTheClose() throws Exception {
        byte[] chunk = new byte[70_000];
        new Random(1).nextBytes(chunk);
        FakeConnection control = new FakeConnection(new String(server(
                new Frame(true, Frame.BINARY, new byte[] {8, 1}),
                new Frame(true, Frame.CLOSE, new byte[] {0x03, (byte) 0xE8})), StandardCharsets.ISO_8859_1), true);
        FakeConnection fs = new FakeConnection(new String(server(
                new Frame(true, Frame.BINARY, "abc".getBytes(StandardCharsets.UTF_8)),
                new Frame(true, Frame.TEXT, new byte[0]),
                new Frame(true, Frame.BINARY, chunk),
                new Frame(true, Frame.CLOSE, new byte[] {0x03, (byte) 0xE8})), StandardCharsets.ISO_8859_1), true);
        Map<String, Connection> sourceConns = Map.of("control", control, "fs", fs);
        Map<String, Quiet> targetConns = Map.of("control", new Quiet(), "fs", new Quiet());
        List<String> opened = new ArrayList<>();
        Map<String, String> sourceSecrets = new LinkedHashMap<>(Map.of("control", "sc", "fs", "sf"));
        Map<String, String> targetSecrets = new LinkedHashMap<>(Map.of("fs", "tf", "control", "tc"));
        MigrationRelay relay = MigrationRelay.start(path -> {
            opened.add("source " + path);
            return new WebSocket(sourceConns.get(path.endsWith("sc") ? "control" : "fs"), new Random(2));
        }, "/1.0/operations/src", sourceSecrets, path -> {
            opened.add("target " + path);
            return new WebSocket(targetConns.get(path.endsWith("tc") ? "control" : "fs"), new Random(3));
        }, "/1.0/operations/tgt", targetSecrets);
        relay.awaitEnd(10_000);
        relay.close();
        assertEquals(List.of("source /1.0/operations/src/websocket?secret=sc", "target /1.0/operations/tgt/websocket?secret=tc",
                "source /1.0/operations/src/websocket?secret=sf", "target /1.0/operations/tgt/websocket?secret=tf"), opened,
                "control first");
        List<Frame> got = frames(targetConns.get("fs").written());
        assertEquals(4, got.size(), got::toString);
        assertEquals(Frame.BINARY, got.get(0).opcode());
        assertArrayEquals("abc".getBytes(StandardCharsets.UTF_8), got.get(0).payload());
        assertEquals(Frame.TEXT, got.get(1).opcode(), "the empty text message (a stream barrier) stays text");
        assertEquals(0, got.get(1).payload().length);
        assertArrayEquals(chunk, got.get(2).payload());
        assertEquals(Frame.CLOSE, got.get(3).opcode());
        assertArrayEquals(new byte[] {0x03, (byte) 0xE8}, got.get(3).payload(), "the source's close code is passed on");
        List<Frame> ctl = frames(targetConns.get("control").written());
        assertArrayEquals(new byte[] {8, 1}, ctl.get(0).payload());
        assertTrue(relay.relayed() >= 70_005, "bytes counted: " + relay.relayed());
    }

    @Test
    void refusesChannelsTheSourceDoesNotOffer() {
        String e = assertThrows(CliException.class, () -> MigrationRelay.start(p -> null, "/1.0/operations/a",
                Map.of("control", "x"), p -> null, "/1.0/operations/b", Map.of("control", "y", "criu", "z"))).getMessage();
        assertTrue(e.contains("expects the \"criu\" socket"), e);
    }
}
