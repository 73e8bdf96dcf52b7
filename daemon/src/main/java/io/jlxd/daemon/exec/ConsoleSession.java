package io.jlxd.daemon.exec;

import io.jlxd.daemon.instance.driver.ContainerDriver;
import io.jlxd.daemon.wsop.WsChannel;
import io.jlxd.daemon.wsop.WsChannelSet;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An attached console (LXD's console websocket operation): channel "0" carries the terminal both ways, "control"
 * takes {@code window-resize} (TIOCSWINSZ on the ptx). It ends when the client closes "0" or the console goes
 * away (container stopped); closing the keep-alive descriptor gives the console back to the monitor.
 */
public final class ConsoleSession {
    /** Channels of a console operation, as LXD names them. */
    public static final List<String> CHANNELS = List.of("0", "control");
    private static final Logger LOG = Logger.getLogger(ConsoleSession.class.getName());

    private ConsoleSession() {
    }

    /** Relays until the client detaches or the console ends; always releases the console. */
    public static void run(ContainerDriver.ConsoleFds fds, int width, int height, WsChannelSet channels)
            throws InterruptedException {
        Pty pty = Pty.adopt(fds.ptx());
        WsChannel zero = channels.channel("0");
        try {
            try {
                pty.resize(width, height);
            } catch (IOException | IllegalArgumentException e) {
                LOG.fine(() -> "console resize: " + e.getMessage());
            }
            // native reads pin their carrier: a platform thread
            Thread out = Thread.ofPlatform().daemon().name("console-out").start(() -> {
                byte[] buf = new byte[32 * 1024];
                try {
                    int n;
                    while ((n = pty.read(buf)) > 0) {
                        if (!zero.send(buf, 0, n)) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    LOG.log(Level.FINE, "console read", e);
                }
                channels.closeAll(); // the console ended: end the session
            });
            Thread control = Thread.ofVirtual().name("console-control").start(() -> control(channels.channel("control"), pty));
            try {
                while (true) {
                    WsChannel.Message m = zero.take();
                    if (m.end()) {
                        break;
                    }
                    if (m.data() != null && m.data().length > 0) {
                        pty.write(m.data(), 0, m.data().length);
                    } else if (m.text() != null && !m.text().isEmpty()) {
                        byte[] b = m.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        pty.write(b, 0, b.length);
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.FINE, "console write", e);
            } finally {
                Pty.closeFd(fds.keepAlive()); // the monitor closes its side: the reader sees the end
                out.join(Duration.ofSeconds(5));
                control.interrupt();
            }
        } finally {
            pty.close();
            channels.closeAll();
        }
    }

    private static void control(WsChannel channel, Pty pty) {
        try {
            while (true) {
                WsChannel.Message m = channel.take();
                if (m.end()) {
                    return;
                }
                if (m.text() == null) {
                    continue;
                }
                try {
                    if (ExecControl.parse(m.text()) instanceof ExecControl.Resize r) {
                        pty.resize(r.width(), r.height());
                    }
                } catch (IllegalArgumentException | IOException e) {
                    LOG.fine(() -> "console control: " + e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            // session over
        }
    }
}
