package io.jlxd.daemon.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Creates sockets inside a container's network namespace: one platform thread that has {@code setns()}ed into it
 * and makes (and connects) the sockets there; once made, a socket stays in its namespace whichever thread uses it,
 * so the relaying runs on ordinary (virtual) threads of the host. The namespace is looked up anew through the
 * container's current init for every socket (a container restarted by itself has a new one).
 */
final class NetnsSockets implements AutoCloseable {
    private static final long CONNECT_TIMEOUT_MS = 5000;
    private final LongSupplier initPid;
    private final ExecutorService thread;
    private String currentNs = "";

    /** @param initPid the container's init pid now, or a value &le; 0 when it is not running */
    NetnsSockets(String label, LongSupplier initPid) {
        this.initPid = initPid;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = Thread.ofPlatform().daemon().name("proxy-netns-" + label).unstarted(r);
            return t;
        });
    }

    /** A TCP connection to {@code target}, made from inside the container's network namespace. */
    SocketChannel connect(InetSocketAddress target) throws IOException {
        return run(() -> {
            SocketChannel ch = SocketChannel.open(family(target));
            try {
                ch.socket().connect(target, (int) CONNECT_TIMEOUT_MS);
                return ch;
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        });
    }

    /** A UDP socket connected to {@code target}, made inside the container's network namespace. */
    DatagramChannel datagram(InetSocketAddress target) throws IOException {
        return run(() -> {
            DatagramChannel ch = DatagramChannel.open(family(target));
            try {
                ch.connect(target);
                return ch;
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        });
    }

    private static ProtocolFamily family(InetSocketAddress a) {
        return a.getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    private interface Task<T> {
        T run() throws IOException;
    }

    private <T> T run(Task<T> task) throws IOException {
        // looked up on the caller's thread: liblxc reaches the container's monitor through an abstract unix socket,
        // which belongs to the host's network namespace, not the container's
        long pid = initPid.getAsLong();
        Future<T> f = thread.submit(() -> {
            enter(pid);
            return task.run();
        });
        try {
            return f.get(CONNECT_TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IOException("timed out connecting inside the container");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** On the namespace thread: joins the namespace of the container's init {@code pid} unless already there. */
    private void enter(long pid) throws IOException {
        if (pid <= 0) {
            throw new IOException("the instance is not running");
        }
        String ns;
        try {
            ns = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString();
        } catch (IOException e) {
            throw new IOException("the instance is not running", e);
        }
        if (!ns.equals(currentNs)) {
            Netns.enter(pid);
            currentNs = ns;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
