package io.jlxd.cli.client;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One open byte stream to the server. The input is buffered (so an HTTP response head and the frames that follow
 * an upgrade can be read from the same stream); the output must be flushed after each message. Reading and
 * writing may happen on different threads at the same time.
 */
public interface Connection extends Closeable {

    InputStream input();

    OutputStream output();

    @Override
    void close();
}
