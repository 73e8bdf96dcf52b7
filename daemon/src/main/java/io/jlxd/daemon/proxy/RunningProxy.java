package io.jlxd.daemon.proxy;

/** A listening proxy device; closing stops listening and closes its connections. */
interface RunningProxy extends AutoCloseable {
    @Override
    void close();
}
