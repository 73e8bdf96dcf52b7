package io.jlxd.cli.client.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A body in chunked transfer coding (RFC 9112 section 7.1): hex size line (extensions ignored), data, CRLF, ...,
 * a zero-size chunk and optional trailer fields up to an empty line. Ends at the last chunk, never at EOF.
 */
final class ChunkedInputStream extends InputStream {
    private final InputStream in;
    private long chunkRemaining;
    private boolean finished;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (chunkRemaining == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, chunkRemaining));
        if (n < 0) {
            throw new EOFException("connection closed inside a chunk of the response body");
        }
        chunkRemaining -= n;
        if (chunkRemaining == 0) {
            expectCrlf();
        }
        return n;
    }

    /** Reads the next chunk header; false once the last chunk and the trailers are consumed. */
    private boolean nextChunk() throws IOException {
        if (finished) {
            return false;
        }
        String line = requireLine();
        int semicolon = line.indexOf(';');
        String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
        if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new HttpProtocolException("bad chunk size line: \"" + line + "\"");
        }
        chunkRemaining = Long.parseLong(hex, 16);
        if (chunkRemaining == 0) {
            // trailer section: fields we ignore, then an empty line
            while (!requireLine().isEmpty()) {
                // skip trailer field
            }
            finished = true;
            return false;
        }
        return true;
    }

    private String requireLine() throws IOException {
        String line = HttpWire.readLine(in);
        if (line == null) {
            throw new EOFException("connection closed inside the chunked response body");
        }
        return line;
    }

    private void expectCrlf() throws IOException {
        int cr = in.read();
        int lf = in.read();
        if (cr < 0 || lf < 0) {
            throw new EOFException("connection closed after a chunk of the response body");
        }
        if (cr != '\r' || lf != '\n') {
            throw new HttpProtocolException("chunk data not followed by CRLF");
        }
    }

    boolean finished() {
        return finished;
    }
}
