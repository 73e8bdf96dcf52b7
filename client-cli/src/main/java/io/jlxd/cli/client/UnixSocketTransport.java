package io.jlxd.cli.client;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;

/**
 * The local transport: HTTP over the daemon's Unix domain socket, {@code $JLXD_DIR/unix.socket}
 * (default {@code /var/lib/jlxd/unix.socket}), like LXD's {@code $LXD_DIR/unix.socket}.
 */
public final class UnixSocketTransport implements Transport {
    public static final String ENV_DIR = "JLXD_DIR";
    public static final String DEFAULT_DIR = "/var/lib/jlxd";
    public static final String SOCKET_NAME = "unix.socket";

    private final Path socket;

    public UnixSocketTransport(Path socket) {
        this.socket = socket;
    }

    /** The socket named by {@code JLXD_DIR} in the given environment, or the default one. */
    public static UnixSocketTransport fromEnvironment(Map<String, String> env) {
        String dir = env.get(ENV_DIR);
        if (dir == null || dir.isBlank()) {
            dir = DEFAULT_DIR;
        }
        return new UnixSocketTransport(Path.of(dir, SOCKET_NAME));
    }

    @Override
    public Connection open() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new TransportException("jlxd unix socket \"" + socket + "\" not accessible: " + reason(e), e);
        }
        return new ChannelConnection(channel);
    }

    @Override
    public String authority() {
        return "unix.socket";
    }

    private static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
