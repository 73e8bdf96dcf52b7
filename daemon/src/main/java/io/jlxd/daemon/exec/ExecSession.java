package io.jlxd.daemon.exec;

import io.jlxd.daemon.instance.driver.ContainerDriver;
import io.jlxd.daemon.instance.driver.DriverException;
import io.jlxd.daemon.instance.driver.ExecProcess;
import io.jlxd.daemon.instance.driver.ExecRequest;
import io.jlxd.daemon.wsop.WsChannel;
import io.jlxd.daemon.wsop.WsChannelSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one exec command and relays its streams over the operation's websocket channels, as LXD does:
 * non-interactive: stdin from "0" (binary frames; a text frame or the close ends it), stdout to "1", stderr to "2",
 * each closed at the end of its stream; interactive: one pty whose master is relayed both ways on "0". The
 * "control" channel takes window-resize and signal messages; its close while the command runs kills the command.
 * Returns the command's exit status.
 */
public final class ExecSession {
    private static final Logger LOG = Logger.getLogger(ExecSession.class.getName());
    private static final int SIGWINCH = 28;
    public static final List<String> PIPE_CHANNELS = List.of("0", "1", "2", "control");
    public static final List<String> PTY_CHANNELS = List.of("0", "control");

    private final ContainerDriver driver;
    private final String container;

    public ExecSession(ContainerDriver driver, String container) {
        this.driver = driver;
        this.container = container;
    }

    /** The most output recorded per stream by {@code record-output}; more stops the command and fails the operation. */
    public static final long MAX_RECORDED = 64L << 20;

    /**
     * Without websockets: output to the files (record-output, at most {@link #MAX_RECORDED} bytes per stream: a
     * command that writes more is killed and the operation fails) or discarded; stdin empty.
     */
    public int runDetached(ExecRequest request, Path stdout, Path stderr) throws DriverException, InterruptedException {
        ExecProcess p = driver.exec(container, request.withStdio(Redirect.from(new java.io.File("/dev/null")),
                stdout == null ? Redirect.DISCARD : Redirect.PIPE, stderr == null ? Redirect.DISCARD : Redirect.PIPE));
        java.util.concurrent.atomic.AtomicReference<String> over = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> pumps = new ArrayList<>();
        if (stdout != null) {
            pumps.add(Thread.ofVirtual().name("exec-record-1").start(() -> record(p, p.process().getInputStream(), stdout, "stdout", over)));
        }
        if (stderr != null) {
            pumps.add(Thread.ofVirtual().name("exec-record-2").start(() -> record(p, p.process().getErrorStream(), stderr, "stderr", over)));
        }
        int rc;
        try {
            rc = p.waitFor();
            for (Thread t : pumps) {
                t.join();
            }
        } catch (InterruptedException e) {
            p.kill();
            throw e;
        }
        if (over.get() != null) {
            throw new io.jlxd.daemon.http.ApiException(400, "The command's " + over.get() + " exceeded the " + MAX_RECORDED
                    + " bytes that are recorded: the command was stopped (record less, or use a websocket exec)");
        }
        return rc;
    }

    /** Copies one output stream into its file up to the limit; past it, kills the command and drains the rest. */
    private static void record(ExecProcess p, InputStream in, Path file, String which,
                               java.util.concurrent.atomic.AtomicReference<String> over) {
        try (in; OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (total + n > MAX_RECORDED) {
                    out.write(buf, 0, (int) (MAX_RECORDED - total));
                    over.compareAndSet(null, which);
                    try {
                        p.kill();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    in.transferTo(OutputStream.nullOutputStream());
                    return;
                }
                out.write(buf, 0, n);
                total += n;
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "recording the " + which + " of an exec: " + e.getMessage());
        }
    }

    /** Non-interactive, three pipes. */
    public int runPiped(ExecRequest request, WsChannelSet channels) throws DriverException, InterruptedException {
        ExecProcess p = driver.exec(container, request.withStdio(Redirect.PIPE, Redirect.PIPE, Redirect.PIPE));
        List<Thread> pumps = new ArrayList<>();
        Thread in = Thread.ofVirtual().name("exec-stdin").start(() -> stdin(channels.channel("0"), p.process().getOutputStream()));
        pumps.add(Thread.ofVirtual().name("exec-stdout").start(() -> output(p.process().getInputStream(), channels.channel("1"))));
        pumps.add(Thread.ofVirtual().name("exec-stderr").start(() -> output(p.process().getErrorStream(), channels.channel("2"))));
        Thread control = Thread.ofVirtual().name("exec-control").start(() -> control(channels.channel("control"), p, null));
        return finish(p, pumps, List.of(in, control), channels, null);
    }

    /** Interactive: one pty, relayed on channel 0. */
    public int runPty(ExecRequest request, int width, int height, WsChannelSet channels)
            throws DriverException, InterruptedException, IOException {
        Pty pty = Pty.open(width, height);
        ExecProcess p;
        try {
            p = driver.execOnTerminal(container, request, pty.slave());
        } catch (DriverException | RuntimeException e) {
            pty.close();
            throw e;
        }
        WsChannel zero = channels.channel("0");
        // native reads pin their carrier: a platform thread
        Thread out = Thread.ofPlatform().daemon().name("exec-pty-out").start(() -> {
            byte[] buf = new byte[32 * 1024];
            try {
                int n;
                while ((n = pty.read(buf)) > 0) {
                    if (!zero.send(buf, 0, n)) {
                        break;
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.FINE, "pty read", e);
            }
        });
        Thread in = Thread.ofVirtual().name("exec-pty-in").start(() -> {
            try {
                awaitRaw(pty, p);
                while (true) {
                    WsChannel.Message m = zero.take();
                    if (m.end()) {
                        return;
                    }
                    if (m.data() != null && m.data().length > 0) {
                        pty.write(m.data(), 0, m.data().length);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the command ended
            }
        });
        Thread control = Thread.ofVirtual().name("exec-control").start(() -> control(channels.channel("control"), p, pty));
        return finish(p, List.of(out), List.of(in, control), channels, pty);
    }

    /**
     * lxc-attach switches the terminal to raw mode with TCSAFLUSH, which drops input typed before: forward input
     * only once the terminal stopped echoing (at most 5 s).
     */
    private static void awaitRaw(Pty pty, ExecProcess p) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (pty.echoes() && p.process().isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private int finish(ExecProcess p, List<Thread> outputs, List<Thread> inputs, WsChannelSet channels, Pty pty)
            throws InterruptedException {
        try {
            int exit = p.waitFor();
            for (Thread t : outputs) {
                t.join(Duration.ofSeconds(5));
            }
            return exit;
        } catch (InterruptedException e) {
            p.kill();
            throw e;
        } finally {
            channels.closeAll();
            if (pty != null) {
                pty.close();
            }
            for (Thread t : inputs) {
                t.join(Duration.ofSeconds(2));
            }
        }
    }

    private static void stdin(WsChannel channel, OutputStream stdin) {
        try (stdin) {
            while (true) {
                WsChannel.Message m = channel.take();
                if (m.end() || m.text() != null) {
                    return; // LXD: a text frame or the close is the end of stdin
                }
                if (m.data().length > 0) {
                    stdin.write(m.data());
                    stdin.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the command stopped reading
        }
    }

    private static void output(InputStream from, WsChannel to) {
        byte[] buf = new byte[32 * 1024];
        try (from) {
            int n;
            while ((n = from.read(buf)) > 0) {
                if (!to.send(buf, 0, n)) {
                    break;
                }
            }
        } catch (IOException e) {
            // process gone
        } finally {
            to.close();
        }
    }

    private void control(WsChannel channel, ExecProcess p, Pty pty) {
        try {
            while (true) {
                WsChannel.Message m = channel.take();
                if (m.end()) {
                    if (p.process().isAlive()) {
                        LOG.fine(() -> "exec control closed while the command runs: killing it");
                        p.kill();
                    }
                    return;
                }
                if (m.text() == null) {
                    continue;
                }
                ExecControl c;
                try {
                    c = ExecControl.parse(m.text());
                } catch (IllegalArgumentException e) {
                    LOG.fine(() -> "exec control: " + e.getMessage());
                    continue;
                }
                switch (c) {
                    case ExecControl.Signal s -> p.signal(s.signal());
                    case ExecControl.Resize r -> {
                        if (pty != null) {
                            pty.resize(r.width(), r.height());
                            Pty.kill(p.process().pid(), SIGWINCH);
                        }
                    }
                }
            }
        } catch (InterruptedException | IOException e) {
            // the session ended
        }
    }
}
