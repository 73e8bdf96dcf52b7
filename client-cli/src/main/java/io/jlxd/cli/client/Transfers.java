package io.jlxd.cli.client;

import io.jlxd.cli.client.http.HttpResponse;
import io.jlxd.cli.client.http.HttpWire;
import io.jlxd.cli.client.http.ResponseHead;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Large request and response bodies (image import/export), streamed on a connection of their own instead of
 * being held in memory like the JSON exchanges of {@link JlxdClient}.
 */
public final class Transfers {
    private static final long MAX_ANSWER = 16L * 1024 * 1024;

    private Transfers() {
    }

    /** Writes a request body of a known length. */
    @FunctionalInterface
    public interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * POSTs a body of {@code length} bytes and parses the answer. If the server answers (an error) before the
     * body is fully sent, that answer is returned.
     */
    public static ApiResponse upload(Transport transport, String path, Map<String, String> headers, String contentType,
                                     long length, BodyWriter body) throws IOException {
        try (Connection c = transport.open()) {
            StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: ")
                    .append(transport.authority()).append("\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(length)
                    .append("\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
            OutputStream out = c.output();
            IOException sendFailure = null;
            try {
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                body.write(out);
                out.flush();
            } catch (IOException e) {
                sendFailure = e; // the server may have refused the upload half way: read its answer
            }
            ResponseHead answer;
            try {
                answer = HttpWire.readHead(c.input());
            } catch (IOException e) {
                throw sendFailure != null ? sendFailure : e;
            }
            byte[] bytes = HttpWire.readBody(HttpWire.bodyStream(c.input(), answer, "POST"), MAX_ANSWER);
            return ApiResponse.parse(new HttpResponse(answer, bytes));
        }
    }

    /** A streamed answer: its head and body (close it to release the connection). */
    public record Download(ResponseHead head, InputStream body, Connection connection) implements AutoCloseable {
        @Override
        public void close() {
            connection.close();
        }
    }

    /** GETs {@code path}; an error answer becomes an {@link ApiException}. */
    public static Download download(Transport transport, String path) throws IOException {
        Connection c = transport.open();
        try {
            String head = "GET " + path + " HTTP/1.1\r\nHost: " + transport.authority() + "\r\nConnection: close\r\n\r\n";
            c.output().write(head.getBytes(StandardCharsets.UTF_8));
            c.output().flush();
            ResponseHead answer = HttpWire.readHead(c.input());
            InputStream body = HttpWire.bodyStream(c.input(), answer, "GET");
            if (answer.status() != 200) {
                ApiResponse.parse(new HttpResponse(answer, HttpWire.readBody(body, MAX_ANSWER)));
                throw new IOException("unexpected answer " + answer.status());
            }
            return new Download(answer, body, c);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
