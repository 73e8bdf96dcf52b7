package io.jlxd.cli.client.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 message syntax (RFC 9112) for the client side: writes requests, reads response heads and gives the
 * body as a stream delimited by Content-Length or chunked coding. A body with neither is taken as empty: the
 * client never reads to EOF, because the daemon (Helidon) keeps connections open even after
 * {@code Connection: close}.
 */
public final class HttpWire {
    /** Longest status or header line accepted. */
    static final int MAX_LINE = 64 * 1024;
    /** Most header fields accepted in one response. */
    static final int MAX_FIELDS = 256;

    private HttpWire() {
    }

    /** Writes the request line, Host, the request's headers, Content-Length when there is a body, and the body. */
    public static void writeRequest(OutputStream out, HttpRequest request, String host) throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
        appendField(head, "Host", host);
        for (String[] f : request.headers().fields()) {
            if (!f[0].equalsIgnoreCase("Host") && !f[0].equalsIgnoreCase("Content-Length")) {
                appendField(head, f[0], f[1]);
            }
        }
        byte[] body = request.body();
        if (body != null) {
            appendField(head, "Content-Length", Integer.toString(body.length));
        } else if (request.method().equals("POST") || request.method().equals("PUT")
                || request.method().equals("PATCH")) {
            appendField(head, "Content-Length", "0");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    private static void appendField(StringBuilder sb, String name, String value) {
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == ':' || c >= 0x7f)) {
            throw new IllegalArgumentException("bad header name: " + name);
        }
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new IllegalArgumentException("bad value for header " + name);
        }
        sb.append(name).append(": ").append(value).append("\r\n");
    }

    /**
     * Reads a response head. Interim 1xx responses other than 101 (e.g. 100 Continue) are skipped. Throws
     * {@link EOFException} if the connection closes before the status line.
     */
    public static ResponseHead readHead(InputStream in) throws IOException {
        while (true) {
            ResponseHead head = readOneHead(in);
            if (head.status() >= 200 || head.status() == 101) {
                return head;
            }
        }
    }

    private static ResponseHead readOneHead(InputStream in) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new EOFException("connection closed before the response");
        }
        // HTTP-version SP 3DIGIT SP [reason-phrase]; tolerate a missing SP before an empty reason
        if (!statusLine.matches("HTTP/1\\.[01] \\d{3}( .*)?")) {
            throw new HttpProtocolException("bad status line: \"" + abbreviate(statusLine) + "\"");
        }
        String version = statusLine.substring(0, 8);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
        HttpHeaders headers = new HttpHeaders();
        int count = 0;
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("connection closed inside the response head");
            }
            if (line.isEmpty()) {
                break;
            }
            if (++count > MAX_FIELDS) {
                throw new HttpProtocolException("too many header fields");
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (count == 1) {
                    throw new HttpProtocolException("header continuation without a header");
                }
                headers.appendToLast(line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.substring(0, colon).chars().anyMatch(c -> c <= ' ')) {
                throw new HttpProtocolException("bad header line: \"" + abbreviate(line) + "\"");
            }
            headers.add(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        return new ResponseHead(version, status, reason, headers);
    }

    /**
     * The body of a response to a request with the given method, as a stream that ends where the body ends.
     * Returns an empty stream when the response has no body or no length framing.
     */
    public static InputStream bodyStream(InputStream in, ResponseHead head, String requestMethod)
            throws IOException {
        if (!hasBody(head, requestMethod)) {
            return InputStream.nullInputStream();
        }
        var codings = head.headers().tokens("Transfer-Encoding");
        if (!codings.isEmpty()) {
            if (!codings.getLast().equals("chunked")) {
                throw new HttpProtocolException("unsupported transfer coding: " + String.join(", ", codings));
            }
            return new ChunkedInputStream(in);
        }
        long length = contentLength(head.headers());
        if (length < 0) {
            return InputStream.nullInputStream();
        }
        return new FixedLengthInputStream(in, length);
    }

    /** True when the head promises a length-delimited body, so the connection can be reused after reading it. */
    public static boolean isDelimited(ResponseHead head, String requestMethod) throws IOException {
        return !hasBody(head, requestMethod) || !head.headers().tokens("Transfer-Encoding").isEmpty()
                || contentLength(head.headers()) >= 0;
    }

    /** Reads a whole body, refusing more than {@code limit} bytes. */
    public static byte[] readBody(InputStream body, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = body.read(buffer)) >= 0) {
            total += n;
            if (total > limit) {
                throw new HttpProtocolException("response body larger than " + limit + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static boolean hasBody(ResponseHead head, String requestMethod) {
        int s = head.status();
        return !requestMethod.equals("HEAD") && s >= 200 && s != 204 && s != 304;
    }

    /** The Content-Length, or -1 if absent. Repeated equal values are allowed, different ones are not. */
    static long contentLength(HttpHeaders headers) throws HttpProtocolException {
        long length = -1;
        for (String value : headers.all("Content-Length")) {
            for (String part : value.split(",")) {
                String digits = part.strip();
                if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
                    throw new HttpProtocolException("bad Content-Length: \"" + value + "\"");
                }
                long parsed = Long.parseLong(digits);
                if (length >= 0 && parsed != length) {
                    throw new HttpProtocolException("conflicting Content-Length values");
                }
                length = parsed;
            }
        }
        return length;
    }

    /**
     * Reads one line ended by LF (a preceding CR is dropped), as ISO-8859-1. Returns null at EOF before any byte.
     */
    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (sb.isEmpty()) {
                    return null;
                }
                throw new EOFException("connection closed inside a line");
            }
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw new HttpProtocolException("line longer than " + MAX_LINE + " bytes");
            }
            sb.append((char) c);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
