package io.jlxd.daemon.instance.driver;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.jlxd.daemon.util.Ffm;
import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A long-lived {@code jlxd-forkexec --serve} that runs non-interactive execs for the daemon (see the C source for
 * the protocol). A process spawn from the JVM costs two execs (jspawnhelper, then the program: ~10 ms on a busy
 * machine of this kind) and the JVM must never fork itself; the server is a small C process that forks a waiter per
 * exec, so an exec costs one fork of a small process and the exec of the command itself.
 *
 * <p>The command's stdio travel as descriptors (SCM_RIGHTS): pipes made here for {@link Redirect#PIPE}, /dev/null
 * or the named file otherwise. The waiter puts them on 0-2 and closes everything else, so nothing but the exec's own
 * descriptors crosses into the container. Each exec is a {@link Process} ({@link Served}) whose pid is the waiter's,
 * the same process shape as a {@code jlxd-forkexec} spawned by {@link ProcessBuilder}: the command is its child in
 * the container's pid namespace, and the exit status is the waiter's.
 *
 * <p>The connection is an abstract Unix socket that the server accepts once, from its parent (the daemon) only.
 * When the daemon exits the connection closes and the server exits; running commands go on.
 */
final class ForkExecServer {
    private static final Logger LOG = Logger.getLogger(ForkExecServer.class.getName());
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int O_CLOEXEC = 0x80000;
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0100;
    private static final int O_TRUNC = 01000;
    private static final int O_APPEND = 02000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MAX_REQUEST = 256 * 1024 - 1;
    private static final int STARTED = 1;
    private static final int EXITED = 2;
    private static final int FAILED = 3;

    private static final MethodHandle SOCKET = Ffm.errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT = Ffm.errnoCall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDMSG = Ffm.errnoCall("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV = Ffm.errnoCall("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle PIPE2 = Ffm.errnoCall("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle OPEN = Ffm.errnoCall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = Ffm.errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final Process server;
    private final int sock;
    private final Object sendLock = new Object();
    private final SynchronousQueue<Reply> replies = new SynchronousQueue<>();
    private final Map<Integer, CompletableFuture<Integer>> running = new ConcurrentHashMap<>();
    private volatile boolean dead;

    private ForkExecServer(Process server, int sock) {
        this.server = server;
        this.sock = sock;
        Thread t = new Thread(this::readLoop, "forkexec-server");
        t.setDaemon(true);
        t.start();
    }

    /** Starts {@code helper --serve} and connects to it. */
    static ForkExecServer start(Path helper) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(helper.toString(), "--serve").directory(new File("/"))
                .redirectInput(new File("/dev/null")).redirectError(Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().put("PATH", LxcTools.PATH);
        Process p = pb.start();
        try {
            String name;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                name = r.readLine();
            }
            if (name == null || !name.matches("jlxd-forkexec-[0-9]+-[0-9a-f]+")) {
                throw new IOException("jlxd-forkexec --serve did not announce its socket");
            }
            return new ForkExecServer(p, connect(name));
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private static int connect(String name) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            int fd = (int) SOCKET.invokeExact(st, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw error("socket", st);
            }
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment addr = a.allocate(110);
            addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
            addr.set(JAVA_BYTE, 2, (byte) 0); // abstract namespace
            MemorySegment.copy(n, 0, addr, JAVA_BYTE, 3, n.length);
            if ((int) CONNECT.invokeExact(st, fd, addr, 3 + n.length) < 0) {
                IOException e = error("connect", st);
                int ignored = (int) CLOSE.invokeExact(st, fd);
                throw e;
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** True while the server answers; a dead server is replaced by the driver. */
    boolean alive() {
        return !dead && server.isAlive();
    }

    /** Whether {@link #spawn} can give the command this stdio redirection. */
    static boolean supports(Redirect r) {
        return r == Redirect.PIPE || r == Redirect.DISCARD || r.type() == Redirect.Type.READ
                || r.type() == Redirect.Type.WRITE || r.type() == Redirect.Type.APPEND;
    }

    /**
     * Runs {@code jlxd-forkexec} with {@code args} (without the program itself) through the server. The pid of the
     * returned process is the waiter's.
     */
    Process spawn(List<String> args, Redirect in, Redirect out, Redirect err) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String s : args) {
            sb.append(s).append('\0');
        }
        byte[] payload = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (payload.length > MAX_REQUEST) {
            throw new IOException("exec request too large: " + payload.length + " bytes");
        }
        int[] child = {-1, -1, -1};
        Object[] parent = new Object[3];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            child[0] = stdio(a, st, in, true, parent, 0);
            child[1] = stdio(a, st, out, false, parent, 1);
            child[2] = stdio(a, st, err, false, parent, 2);
            MemorySegment data = a.allocate(Math.max(1, payload.length));
            MemorySegment.copy(payload, 0, data, JAVA_BYTE, 0, payload.length);
            MemorySegment iov = a.allocate(16, 8);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, payload.length);
            MemorySegment cmsg = a.allocate(32, 8); // CMSG_SPACE(3 * sizeof(int))
            cmsg.set(JAVA_LONG, 0, 16 + 12);        // CMSG_LEN(12)
            cmsg.set(JAVA_INT, 8, SOL_SOCKET);
            cmsg.set(JAVA_INT, 12, SCM_RIGHTS);
            for (int k = 0; k < 3; k++) {
                cmsg.set(JAVA_INT, 16 + 4L * k, child[k]);
            }
            MemorySegment msg = a.allocate(56, 8);
            msg.set(ADDRESS, 16, iov);
            msg.set(JAVA_LONG, 24, 1);
            msg.set(ADDRESS, 32, cmsg);
            msg.set(JAVA_LONG, 40, 32);
            Reply reply;
            synchronized (sendLock) {
                if (!alive()) {
                    throw new IOException("jlxd-forkexec server is gone");
                }
                long n = (long) SENDMSG.invokeExact(st, sock, msg, MSG_NOSIGNAL);
                if (n != payload.length) {
                    throw n < 0 ? error("sending an exec to jlxd-forkexec", st) : new IOException("short send to jlxd-forkexec");
                }
                reply = replies.poll(10, TimeUnit.SECONDS);
                if (reply == null) {
                    dead = true; // a late answer would be taken for the next request's
                    server.destroy();
                    throw new IOException("jlxd-forkexec server did not answer");
                }
            }
            if (reply.type() != STARTED) {
                throw new IOException("jlxd-forkexec server: " + Ffm.strerror(reply.value()));
            }
            Served p = new Served(reply.pid(), reply.exit(), parent);
            parent[0] = parent[1] = parent[2] = null; // owned by the process now
            return p;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting an exec", e);
        } catch (Throwable t) {
            throw new IOException(t);
        } finally {
            closeQuietly(child);
            for (Object o : parent) {
                if (o instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // cleanup after a failure
                    }
                }
            }
        }
    }

    /**
     * The child's descriptor for one stdio slot; for a pipe, the parent's end goes into {@code parent[slot]} as a
     * stream (reopened through /proc/self/fd while both ends are still open here, so the open cannot block).
     */
    private static int stdio(Arena a, MemorySegment st, Redirect r, boolean input, Object[] parent, int slot) throws Throwable {
        if (r == Redirect.PIPE) {
            MemorySegment fds = a.allocate(8, 4);
            if ((int) PIPE2.invokeExact(st, fds, O_CLOEXEC) < 0) {
                throw error("pipe2", st);
            }
            int rd = fds.get(JAVA_INT, 0);
            int wr = fds.get(JAVA_INT, 4);
            int mine = input ? wr : rd;
            try {
                parent[slot] = input ? new FileOutputStream("/proc/self/fd/" + mine) : new FileInputStream("/proc/self/fd/" + mine);
            } catch (IOException e) {
                closeQuietly(new int[] {rd, wr});
                throw e;
            }
            closeQuietly(new int[] {mine});
            return input ? rd : wr;
        }
        String file;
        int flags;
        if (r == Redirect.DISCARD) {
            file = "/dev/null";
            flags = O_RDWR;
        } else if (r.type() == Redirect.Type.READ) {
            file = r.file().getPath();
            flags = O_RDONLY;
        } else if (r.type() == Redirect.Type.WRITE) {
            file = r.file().getPath();
            flags = O_WRONLY | O_CREAT | O_TRUNC;
        } else if (r.type() == Redirect.Type.APPEND) {
            file = r.file().getPath();
            flags = O_WRONLY | O_CREAT | O_APPEND;
        } else {
            throw new IOException("unsupported redirect " + r);
        }
        int fd = (int) OPEN.invokeExact(st, a.allocateFrom(file), flags | O_CLOEXEC, 0644);
        if (fd < 0) {
            throw error(file, st);
        }
        return fd;
    }

    private static void closeQuietly(int[] fds) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            for (int fd : fds) {
                if (fd >= 0) {
                    int ignored = (int) CLOSE.invokeExact(st, fd);
                }
            }
        } catch (Throwable t) {
            LOG.log(Level.FINE, "close: " + t);
        }
    }

    private static IOException error(String what, MemorySegment st) {
        return new IOException(what + ": " + Ffm.strerror(Ffm.errno(st)));
    }

    private void readLoop() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            MemorySegment buf = a.allocate(12, 4);
            while (true) {
                long n = (long) RECV.invokeExact(st, sock, buf, 12L, 0);
                if (n < 0 && Ffm.errno(st) == 4) {
                    continue; // EINTR
                }
                if (n != 12) {
                    break;
                }
                int type = buf.get(JAVA_INT, 0);
                int pid = buf.get(JAVA_INT, 4);
                int value = buf.get(JAVA_INT, 8);
                if (type == EXITED) {
                    CompletableFuture<Integer> f = running.remove(pid);
                    if (f != null) {
                        f.complete(value);
                    }
                    continue;
                }
                CompletableFuture<Integer> f = new CompletableFuture<>();
                if (type == STARTED) {
                    running.put(pid, f);
                }
                if (!replies.offer(new Reply(type, pid, value, f), 10, TimeUnit.SECONDS)) {
                    break; // nobody waits for it any more (see spawn)
                }
            }
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "jlxd-forkexec server connection: " + t);
        } finally {
            dead = true;
            LOG.warning("jlxd-forkexec server ended: the exit status of " + running.size() + " running exec(s) is lost");
            running.values().forEach(f -> f.complete(1));
            running.clear();
            closeQuietly(new int[] {sock});
            server.destroy();
        }
    }

    /**
     * Blocking pipe I/O of a virtual thread runs on a platform thread: a read of a plain {@link FileInputStream} on a
     * pipe pins the virtual thread's carrier (measured: two execs waiting for output stalled the whole HTTP server
     * on this 2-core machine), which the JDK's own process streams avoid.
     */
    private static final java.util.concurrent.ExecutorService IO = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "exec-pipe-io");
        t.setDaemon(true);
        return t;
    });

    private static <T> T offload(java.util.concurrent.Callable<T> io) throws IOException {
        if (!Thread.currentThread().isVirtual()) {
            try {
                return io.call();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
        try {
            return IO.submit(io).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io2) {
                throw io2;
            }
            throw new IOException(e.getCause());
        }
    }

    private static final class OffloadedInput extends InputStream {
        private final InputStream in;

        OffloadedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return offload(() -> in.read(b, off, len));
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static final class OffloadedOutput extends OutputStream {
        private final OutputStream out;

        OffloadedOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            offload(() -> {
                out.write(b, off, len);
                return null;
            });
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private record Reply(int type, int pid, int value, CompletableFuture<Integer> exit) {
    }

    /** One exec served: the waiter's pid, its exit status when the server reports it, the parent's pipe ends. */
    static final class Served extends Process {
        private final int pid;
        private final CompletableFuture<Integer> exit;
        private final Optional<ProcessHandle> handle;
        private final OutputStream stdin;
        private final InputStream stdout;
        private final InputStream stderr;

        Served(int pid, CompletableFuture<Integer> exit, Object[] pipes) {
            this.pid = pid;
            this.exit = exit;
            // taken now, while the waiter cannot have been reaped before the server reported it: destroy() then
            // checks the start time and never signals a reused pid
            this.handle = exit.isDone() ? Optional.empty() : ProcessHandle.of(pid);
            this.stdin = pipes[0] instanceof OutputStream o ? new OffloadedOutput(o) : OutputStream.nullOutputStream();
            this.stdout = pipes[1] instanceof InputStream i ? new OffloadedInput(i) : InputStream.nullInputStream();
            this.stderr = pipes[2] instanceof InputStream i ? new OffloadedInput(i) : InputStream.nullInputStream();
        }

        @Override
        public OutputStream getOutputStream() {
            return stdin;
        }

        @Override
        public InputStream getInputStream() {
            return stdout;
        }

        @Override
        public InputStream getErrorStream() {
            return stderr;
        }

        @Override
        public int waitFor() throws InterruptedException {
            try {
                return exit.get();
            } catch (ExecutionException e) {
                return 1;
            }
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
            try {
                exit.get(timeout, unit);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                return true;
            }
        }

        @Override
        public int exitValue() {
            if (!exit.isDone()) {
                throw new IllegalThreadStateException("process " + pid + " has not exited");
            }
            return exit.join();
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public void destroy() {
            if (isAlive()) {
                handle.ifPresent(ProcessHandle::destroy);
            }
        }

        @Override
        public Process destroyForcibly() {
            if (isAlive()) {
                handle.ifPresent(ProcessHandle::destroyForcibly);
            }
            return this;
        }

        @Override
        public CompletableFuture<Process> onExit() {
            return exit.thenApply(x -> this);
        }

        @Override
        public ProcessHandle toHandle() {
            return handle.orElseThrow(() -> new UnsupportedOperationException("process " + pid + " has exited"));
        }
    }
}
