package io.jlxd.daemon.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStreamTest {
    /** Both ends of one channel in memory: what one side sends the other receives, in order. */
    static final class Pipe implements Conn {
        final LinkedBlockingQueue<Msg> q = new LinkedBlockingQueue<>();

        @Override
        public String name() {
            return "criu";
        }

        @Override
        public void send(byte[] data, int off, int len) {
            byte[] c = new byte[len];
            System.arraycopy(data, off, c, 0, len);
            q.add(new Msg(c, false, false));
        }

        @Override
        public void barrier() {
            q.add(Msg.BARRIER);
        }

        @Override
        public Msg receive(Duration timeout) throws InterruptedException {
            return timeout == null ? q.take() : q.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            q.add(Msg.END);
        }
    }

    @Test
    void aDirectoryArrivesWholeAndTheChannelCarriesTheNextStream(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Path dst = Files.createDirectory(tmp.resolve("dst"));
        byte[] big = new byte[700_000];
        new Random(1).nextBytes(big);
        Files.write(src.resolve("pages-1.img"), big);
        Files.write(src.resolve("inventory.img"), new byte[] {1, 2, 3});
        Files.write(src.resolve("empty.img"), new byte[0]);
        Files.createDirectory(src.resolve("subdir")); // not an image: not sent
        Pipe p = new Pipe();
        AtomicLong sent = new AtomicLong();
        AtomicLong got = new AtomicLong();
        StateStream.send(src, p, sent);
        p.send(new byte[] {42}); // the next stream on the same channel
        StateStream.receive(dst, p, got);
        assertArrayEquals(big, Files.readAllBytes(dst.resolve("pages-1.img")));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dst.resolve("inventory.img")));
        assertEquals(0, Files.size(dst.resolve("empty.img")));
        assertFalse(Files.exists(dst.resolve("subdir")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dst.resolve("pages-1.img"))));
        assertEquals(sent.get(), got.get());
        assertTrue(sent.get() > big.length);
        assertArrayEquals(new byte[] {42}, p.receive(Duration.ZERO).data());
    }

    @Test
    void aNameThatLeavesTheDirectoryIsRefusedAndNothingIsWrittenOutside(@TempDir Path tmp) throws Exception {
        Path dst = Files.createDirectory(tmp.resolve("dst"));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream o = new DataOutputStream(b)) {
            o.writeByte(1);
            o.writeUTF("../escape");
            o.writeLong(1);
            o.writeByte(7);
            o.writeByte(0);
        }
        Pipe p = new Pipe();
        p.send(b.toByteArray());
        p.barrier();
        IOException e = assertThrows(IOException.class, () -> StateStream.receive(dst, p, new AtomicLong()));
        assertTrue(e.getMessage().contains("../escape"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("escape")));
    }

    @Test
    void aChannelThatEndsMidFileIsAnError(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream o = new DataOutputStream(b)) {
            o.writeByte(1);
            o.writeUTF("pages-1.img");
            o.writeLong(100);
            o.write(new byte[10]);
        }
        Pipe p = new Pipe();
        p.send(b.toByteArray());
        p.close();
        IOException e = assertThrows(IOException.class, () -> StateStream.receive(tmp, p, new AtomicLong()));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void plainNames() {
        assertTrue(StateStream.plainName("core-1.img"));
        assertFalse(StateStream.plainName(".."));
        assertFalse(StateStream.plainName("a/b"));
        assertFalse(StateStream.plainName(""));
    }
}
