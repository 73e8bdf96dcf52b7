package io.jlxd.daemon.migration;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A CRIU image directory over the {@code criu} channel between two jlxd daemons (feature
 * {@link io.jlxd.daemon.migration.wire.MigrationHeader#STATE_STREAM}), in place of an rsync stream: one way, no
 * round trips (rsync's handshake and file-list exchange cost ~0.5 s of the freeze here, for a few hundred kB). The
 * directory is flat (CRIU writes only files); each regular file goes as {@code 1, name (UTF), size (long), bytes},
 * then {@code 0}, then the barrier. The receiver takes plain names only and writes each file 0600.
 */
final class StateStream {
    private static final int CHUNK = 256 * 1024;
    /** No byte for this long: the peer is taken as gone. */
    private static final Duration IDLE = RsyncStream.IDLE;

    private StateStream() {
    }

    static void send(Path dir, Conn conn, AtomicLong bytes) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(p);
                }
            }
        }
        files.sort(null);
        try (DataOutputStream out = new DataOutputStream(new ChannelOutput(conn, bytes))) {
            byte[] buf = new byte[CHUNK];
            for (Path f : files) {
                long size = Files.size(f);
                out.writeByte(1);
                out.writeUTF(f.getFileName().toString());
                out.writeLong(size);
                try (InputStream in = Files.newInputStream(f)) {
                    long left = size;
                    while (left > 0) {
                        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            throw new IOException(f + " shrank while it was sent");
                        }
                        out.write(buf, 0, n);
                        left -= n;
                    }
                }
            }
            out.writeByte(0);
        }
        conn.barrier();
    }

    static void receive(Path dir, Conn conn, AtomicLong bytes) throws IOException, InterruptedException {
        ChannelInput cin = new ChannelInput(conn, bytes);
        DataInputStream in = new DataInputStream(cin);
        byte[] buf = new byte[CHUNK];
        try {
            while (in.readByte() == 1) {
                String name = in.readUTF();
                if (!plainName(name)) {
                    throw new IOException("the state stream names a file \"" + name + "\": only plain names are taken");
                }
                long size = in.readLong();
                if (size < 0) {
                    throw new IOException("the state stream gives " + name + " a negative size");
                }
                Path f = dir.resolve(name);
                Files.deleteIfExists(f);
                try (OutputStream out = Files.newOutputStream(Files.createFile(f,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), StandardOpenOption.WRITE)) {
                    long left = size;
                    while (left > 0) {
                        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            throw new EOFException();
                        }
                        out.write(buf, 0, n);
                        left -= n;
                    }
                }
            }
        } catch (EOFException e) {
            throw new IOException("the criu channel ended in the middle of the state");
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        cin.drainToBarrier();
    }

    static boolean plainName(String n) {
        return !n.isEmpty() && !n.equals(".") && !n.equals("..") && n.indexOf('/') < 0 && n.indexOf('\0') < 0;
    }

    /** Bytes into binary messages of up to {@link #CHUNK}. */
    private static final class ChannelOutput extends OutputStream {
        private final Conn conn;
        private final AtomicLong bytes;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream(CHUNK);

        ChannelOutput(Conn conn, AtomicLong bytes) {
            this.conn = conn;
            this.bytes = bytes;
        }

        @Override
        public void write(int b) throws IOException {
            buf.write(b);
            if (buf.size() >= CHUNK) {
                flush();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (buf.size() + len > CHUNK) {
                flush();
            }
            if (len >= CHUNK) {
                conn.send(b, off, len);
                bytes.addAndGet(len);
            } else {
                buf.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (buf.size() > 0) {
                byte[] d = buf.toByteArray();
                buf.reset();
                conn.send(d);
                bytes.addAndGet(d.length);
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** Binary messages as bytes, until the barrier (an end of stream before it is an error). */
    private static final class ChannelInput extends InputStream {
        private final Conn conn;
        private final AtomicLong bytes;
        private byte[] cur = new byte[0];
        private int pos;
        private boolean barrier;

        ChannelInput(Conn conn, AtomicLong bytes) {
            this.conn = conn;
            this.bytes = bytes;
        }

        private boolean fill() throws IOException {
            long idleSince = System.nanoTime();
            while (pos >= cur.length) {
                if (barrier) {
                    return false;
                }
                Conn.Msg m;
                try {
                    m = conn.receive(Duration.ofSeconds(1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while receiving the state");
                }
                if (m == null) {
                    if (System.nanoTime() - idleSince > IDLE.toNanos()) {
                        throw new IOException("nothing came on the criu channel for " + IDLE.toSeconds() + " s");
                    }
                    continue;
                }
                if (m.end()) {
                    throw new IOException("the criu channel closed during the transfer");
                }
                if (m.barrier()) {
                    barrier = true;
                    return false;
                }
                cur = m.data();
                pos = 0;
                bytes.addAndGet(cur.length);
                idleSince = System.nanoTime();
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? cur[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, cur.length - pos);
            System.arraycopy(cur, pos, b, off, n);
            pos += n;
            return n;
        }

        /** Reads up to the barrier that ends the stream (nothing else may come). */
        void drainToBarrier() throws IOException {
            if (pos < cur.length) {
                throw new IOException("the state stream has bytes after its end");
            }
            if (fill()) {
                throw new IOException("the state stream has bytes after its end");
            }
        }
    }
}
