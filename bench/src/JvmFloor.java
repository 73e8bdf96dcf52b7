import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The "raw tool" for the start bench: the least a JVM must do to answer GET /1.0 on a Unix socket (bind, accept,
 * read the request head, write a fixed JSON answer with Content-Length). Its start time is the JVM floor the daemon
 * is compared with. SIGTERM exits 0, like the daemon. Usage: java JvmFloor SOCKET
 */
public final class JvmFloor {
    public static void main(String[] args) throws IOException {
        Path socket = Path.of(args[0]);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> System.exit(0));
        byte[] body = "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"metadata\":{\"api_version\":\"1.0\"}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (true) {
                try (SocketChannel c = server.accept()) {
                    in.clear();
                    while (true) {  // one request per connection is all the start bench sends
                        if (c.read(in) < 0) {
                            break;
                        }
                        String s = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
                        if (s.contains("\r\n\r\n")) {
                            c.write(new ByteBuffer[] {ByteBuffer.wrap(head), ByteBuffer.wrap(body)});
                            break;
                        }
                    }
                } catch (IOException e) {
                    // client went away: next
                }
            }
        }
    }
}
