package io.jlxd.tests;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over the Unix socket, for the harness itself (the readiness probe) where REST Assured
 * and the contract filter are not wanted. Reads bodies by Content-Length or chunked encoding, never to EOF.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** Status, headers (lower-case names) and body of one answer. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    public static Answer request(Path socket, String method, String path, String body, int timeoutMs) throws IOException {
        return request(socket, method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "application/json", timeoutMs);
    }

    /** The same with a body of any content type (e.g. an image upload). */
    public static Answer request(Path socket, String method, String path, byte[] body, String contentType, int timeoutMs)
            throws IOException {
        return request(socket, method, path, body, contentType, Map.of(), timeoutMs);
    }

    /** The same with extra header lines (written as given: hostile ones too). */
    public static Answer request(Path socket, String method, String path, byte[] body, String contentType,
                                 Map<String, String> extraHeaders, int timeoutMs) throws IOException {
        try (UnixSocket s = new UnixSocket(socket)) {
            s.setSoTimeout(timeoutMs);
            byte[] payload = body == null ? new byte[0] : body;
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: localhost\r\n")
                    .append("Connection: close\r\n");
            if (body != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n").append("Content-Length: ").append(payload.length).append("\r\n");
            }
            extraHeaders.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            OutputStream out = s.getOutputStream();
            try {
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                out.write(payload);
                out.flush();
            } catch (IOException writeFailed) {
                // the server may answer (413, 414) and close before it read everything: its answer is what counts
                try {
                    return read(s.getInputStream());
                } catch (IOException noAnswer) {
                    writeFailed.addSuppressed(noAnswer);
                    throw writeFailed;
                }
            }
            return read(s.getInputStream());
        }
    }

    static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.merge(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line(in);
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers
                    }
                    break;
                }
                buf.write(in.readNBytes(size));
                line(in);
            }
            body = buf.toByteArray();
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            body = in.readNBytes(length);
            if (body.length != length) {
                throw new EOFException("body shorter than Content-Length " + length);
            }
        } else {
            body = new byte[0];
        }
        return new Answer(status, headers, body);
    }

    static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed in the middle of a header line: " + sb);
            }
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
    }
}
