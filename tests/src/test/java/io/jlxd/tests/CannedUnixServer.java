package io.jlxd.tests;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fake HTTP server on a Unix socket that answers every request with one canned response and, like Helidon, keeps
 * the connection open afterwards. Used to prove that the harness (socket factory + contract filter) catches a
 * fabricated answer that breaks openapi.yaml, without a daemon.
 */
final class CannedUnixServer implements AutoCloseable {
    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final AtomicReference<String> response = new AtomicReference<>();
    private final Thread acceptor;

    CannedUnixServer() throws IOException {
        dir = Files.createTempDirectory("jlxd-canned-");
        socket = dir.resolve("unix.socket");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = Thread.ofPlatform().daemon().name("canned-acceptor").start(this::acceptLoop);
    }

    Path socket() {
        return socket;
    }

    /** The next answers: status, headers and JSON body (Content-Length framing, connection kept open). */
    void answer(int status, Map<String, String> headers, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(b.length).append("\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("\r\n").append(body);
        response.set(sb.toString());
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                Thread.ofPlatform().daemon().start(() -> serve(ch));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            InputStream in = Channels.newInputStream(ch);
            while (true) {
                int contentLength = 0;
                String line = RawHttp.line(in);
                for (String h = RawHttp.line(in); !h.isEmpty(); h = RawHttp.line(in)) {
                    String lower = h.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        contentLength = Integer.parseInt(lower.substring(15).trim());
                    }
                }
                in.readNBytes(contentLength);
                if (line.isEmpty()) {
                    return;
                }
                ByteBuffer out = ByteBuffer.wrap(response.get().getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) {
                    ch.write(out);
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        JlxdDaemon.deleteTree(dir);
    }
}
