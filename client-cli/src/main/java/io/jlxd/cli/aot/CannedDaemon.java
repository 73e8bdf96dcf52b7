package io.jlxd.cli.aot;

import io.jlxd.cli.client.http.HttpHeaders;
import io.jlxd.cli.client.ws.Frame;
import io.jlxd.cli.client.ws.Handshake;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A minimal HTTP/1.1 + WebSocket server on a Unix socket that answers from a {@link Handler}, for the AOT
 * training run (so it exercises the real request, parsing and rendering code without a daemon) and for tests.
 * Keeps connections alive like Helidon does, and records every request.
 */
public final class CannedDaemon implements AutoCloseable {

    /** A request as received. */
    public record Request(String method, String target, HttpHeaders headers, byte[] body) {
        public String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer: either a normal response or, when {@code frames} is not null, a WebSocket session. */
    public record Reply(int status, Map<String, String> headers, byte[] body, List<Frame> frames) {
        public static Reply json(int status, String json, Map<String, String> headers) {
            return new Reply(status, headers, json.getBytes(StandardCharsets.UTF_8), null);
        }

        /** A WebSocket session: these frames are sent after the handshake, then the server waits for a close. */
        public static Reply websocket(List<Frame> frames) {
            return new Reply(101, Map.of(), new byte[0], frames);
        }
    }

    /** Maps a request to a reply. */
    public interface Handler {
        Reply handle(Request request);
    }

    private final ServerSocketChannel server;
    private final Path socket;
    private final Handler handler;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<SocketChannel> clients = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;

    private CannedDaemon(ServerSocketChannel server, Path socket, Handler handler) {
        this.server = server;
        this.socket = socket;
        this.handler = handler;
        this.acceptor = Thread.ofPlatform().daemon().name("canned-daemon").start(this::acceptLoop);
    }

    /** Listens on {@code socket} (replacing a stale file). */
    public static CannedDaemon start(Path socket, Handler handler) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return new CannedDaemon(server, socket, handler);
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                clients.add(client);
                Thread.ofPlatform().daemon().name("canned-conn").start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel));
            while (true) {
                Request request = readRequest(in);
                if (request == null) {
                    return;
                }
                requests.add(request);
                Reply reply = handler.handle(request);
                if (reply.frames() != null) {
                    websocket(request, reply, in, out);
                    return;
                }
                writeReply(out, reply);
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or sent garbage: drop the connection
        }
    }

    private static void writeReply(OutputStream out, Reply reply) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(reply.status()).append(" X\r\n");
        reply.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Type: application/json\r\n");
        head.append("Content-Length: ").append(reply.body().length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(reply.body());
        out.flush();
    }

    private static void websocket(Request request, Reply reply, InputStream in, OutputStream out)
            throws IOException {
        String key = request.headers().first("Sec-WebSocket-Key").orElse("");
        String head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + Handshake.acceptFor(key) + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        for (Frame frame : reply.frames()) {
            Frame.write(out, frame, null);
        }
        out.flush();
        // read until the client's close frame (answering nothing else), then hang up
        while (true) {
            Frame frame = Frame.read(in);
            if (frame.opcode() == Frame.CLOSE) {
                return;
            }
        }
    }

    /** Reads one request (Content-Length bodies only); null at EOF between requests. */
    private static Request readRequest(InputStream in) throws IOException {
        String line = readLine(in);
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ");
        if (parts.length != 3) {
            throw new IOException("bad request line");
        }
        HttpHeaders headers = new HttpHeaders();
        String field;
        while ((field = readLine(in)) != null && !field.isEmpty()) {
            int colon = field.indexOf(':');
            headers.add(field.substring(0, colon), field.substring(colon + 1).strip());
        }
        int length = Integer.parseInt(headers.first("Content-Length").orElse("0"));
        byte[] body = in.readNBytes(length);
        return new Request(parts[0], parts[1], headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        if (c < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (clients) {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
    }
}
