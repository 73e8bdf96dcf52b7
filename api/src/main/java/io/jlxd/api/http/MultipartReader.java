package io.jlxd.api.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shared by the daemon (image uploads) and the client (split image exports). A streaming reader of a {@code multipart/form-data} body (RFC 7578): parts one after the other, each as a stream
 * that ends at the next boundary, with a fixed buffer whatever the size of the parts. A body that ends before the
 * closing boundary is an {@link EOFException}; malformed framing is a {@link MalformedException}.
 */
public final class MultipartReader {
    private static final int BUFFER = 1 << 16;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final Pattern BOUNDARY = Pattern.compile("(?i)(?:^|;)\\s*boundary=(?:\"([^\"]{1,70})\"|([^;\\s]{1,70}))");
    private static final Pattern PARAM = Pattern.compile("(?i);\\s*([a-z*]+)=(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^;\\s]*))");

    /** The framing of the body is wrong (the client's fault). */
    public static final class MalformedException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /** One part: its form name, file name (may be null), content type (may be null), and its data. */
    public record Part(String name, String filename, String contentType, InputStream body) {
    }

    private final InputStream in;
    private final byte[] delimiter; // CRLF "--" boundary
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int lim;
    private boolean eof;
    private boolean finished;
    private PartStream current;

    public MultipartReader(InputStream in, String boundary) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new IllegalArgumentException("a multipart boundary has 1 to 70 characters");
        }
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // The body starts with "--boundary": pretend a CRLF came before it so that every delimiter looks the same.
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
        current = new PartStream(); // the preamble, skipped by the first next()
    }

    /** The boundary parameter of a multipart Content-Type, or null. */
    public static String boundaryOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        Matcher m = BOUNDARY.matcher(contentType);
        return m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : null;
    }

    /** The next part (the previous one is skipped to its end), or null after the closing boundary. */
    public Part next() throws IOException {
        if (finished) {
            return null;
        }
        current.skipAll();
        // after the delimiter: "--" closes, otherwise optional whitespace then CRLF
        int a = readByte();
        int b = readByte();
        if (a == '-' && b == '-') {
            finished = true;
            return null;
        }
        while (a == ' ' || a == '\t') {
            a = b;
            b = readByte();
        }
        if (a != '\r' || b != '\n') {
            throw new MalformedException("multipart body: a boundary must be followed by CRLF or \"--\"");
        }
        Map<String, String> headers = readHeaders();
        String disposition = headers.get("content-disposition");
        if (disposition == null || !disposition.toLowerCase(Locale.ROOT).startsWith("form-data")) {
            throw new MalformedException("multipart body: a part without Content-Disposition: form-data");
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(disposition);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT),
                    m.group(2) != null ? m.group(2).replaceAll("\\\\(.)", "$1") : m.group(3));
        }
        String name = params.get("name");
        if (name == null) {
            throw new MalformedException("multipart body: a part without a name");
        }
        current = new PartStream();
        return new Part(name, params.get("filename"), headers.get("content-type"), current);
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        StringBuilder line = new StringBuilder();
        int total = 0;
        while (true) {
            int c = readByte();
            if (++total > MAX_HEADER_BYTES) {
                throw new MalformedException("multipart body: part headers over " + MAX_HEADER_BYTES + " bytes");
            }
            if (c == '\n') {
                int len = line.length();
                if (len > 0 && line.charAt(len - 1) == '\r') {
                    line.setLength(len - 1);
                }
                if (line.isEmpty()) {
                    return headers;
                }
                int colon = line.indexOf(":");
                if (colon <= 0) {
                    throw new MalformedException("multipart body: bad part header \"" + line + "\"");
                }
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
    }

    private int readByte() throws IOException {
        if (pos == lim && !fill()) {
            throw new EOFException("the multipart body ended early");
        }
        return buf[pos++] & 0xff;
    }

    /** Reads more input (compacting the buffer); false at end of input with nothing buffered. */
    private boolean fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        while (!eof && lim < buf.length) {
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                eof = true;
            } else if (n > 0) {
                lim += n;
                return true;
            }
        }
        return lim > pos;
    }

    /** The data of one part, up to the next delimiter (which it consumes). */
    private final class PartStream extends InputStream {
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                int found = indexOfDelimiter();
                if (found == pos) {
                    pos += delimiter.length;
                    ended = true;
                    return -1;
                }
                int safe = found >= 0 ? found : lim - (delimiter.length - 1);
                if (safe > pos) {
                    int n = Math.min(len, safe - pos);
                    System.arraycopy(buf, pos, b, off, n);
                    pos += n;
                    return n;
                }
                if (eof) {
                    throw new EOFException("the multipart body ended before its closing boundary");
                }
                fill();
            }
        }

        void skipAll() throws IOException {
            byte[] scratch = new byte[8192];
            while (read(scratch, 0, scratch.length) >= 0) {
                // discard
            }
        }

        private int indexOfDelimiter() {
            byte first = delimiter[0];
            outer:
            for (int i = pos; i <= lim - delimiter.length; i++) {
                if (buf[i] != first) {
                    continue;
                }
                for (int j = 1; j < delimiter.length; j++) {
                    if (buf[i + j] != delimiter[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
