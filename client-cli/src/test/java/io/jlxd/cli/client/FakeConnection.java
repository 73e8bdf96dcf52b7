package io.jlxd.cli.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A scripted {@link Connection}: the input is the given bytes and then, like a server that keeps the connection
 * open, never EOF: reading past the script fails the test instead of blocking. The output is captured.
 */
public final class FakeConnection implements Connection {
    private final InputStream input;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private boolean closed;

    public FakeConnection(byte[] script) {
        this.input = new NoEofInput(script, false);
    }

    /** With {@code eofAtEnd}, the input ends like a connection the server closed after the script. */
    public FakeConnection(String script, boolean eofAtEnd) {
        this.input = new NoEofInput(script.getBytes(StandardCharsets.ISO_8859_1), eofAtEnd);
    }

    public FakeConnection(String script) {
        this(script.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    public byte[] written() {
        return output.toByteArray();
    }

    public String writtenText() {
        return output.toString(StandardCharsets.ISO_8859_1);
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Fails (instead of returning EOF) once the script is consumed, unless told to end with EOF. */
    private static final class NoEofInput extends InputStream {
        private final ByteArrayInputStream in;
        private final boolean eofAtEnd;

        NoEofInput(byte[] script, boolean eofAtEnd) {
            this.in = new ByteArrayInputStream(script);
            this.eofAtEnd = eofAtEnd;
        }

        @Override
        public int read() {
            if (in.available() == 0) {
                return end();
            }
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (in.available() == 0) {
                return end();
            }
            return in.read(b, off, len);
        }

        private int end() {
            if (eofAtEnd) {
                return -1;
            }
            throw new AssertionError("read past the end of the scripted input (would block on a live server)");
        }
    }
}
