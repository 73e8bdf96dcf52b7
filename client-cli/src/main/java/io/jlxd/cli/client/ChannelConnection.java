package io.jlxd.cli.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * A {@link Connection} over a blocking {@link SocketChannel}. It uses its own stream adapters instead of
 * {@code Channels.newInputStream/newOutputStream}, whose reads and writes share one lock and would block a writer
 * (for example a WebSocket pong or stdin forwarding) while another thread waits in a read.
 */
final class ChannelConnection implements Connection {
    private static final int BUFFER = 16 * 1024;

    private final SocketChannel channel;
    private final InputStream input;
    private final OutputStream output;

    ChannelConnection(SocketChannel channel) {
        this.channel = channel;
        this.input = new BufferedInputStream(new ChannelInput(channel), BUFFER);
        this.output = new BufferedOutputStream(new ChannelOutput(channel), BUFFER);
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the connection is gone either way
        }
    }

    private static final class ChannelInput extends InputStream {
        private final SocketChannel channel;

        ChannelInput(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            return channel.read(ByteBuffer.wrap(b, off, len));
        }
    }

    private static final class ChannelOutput extends OutputStream {
        private final SocketChannel channel;

        ChannelOutput(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }
}
