package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.client.ApiResponse;
import io.jlxd.cli.client.http.HttpResponse;
import io.jlxd.cli.client.ws.Message;
import io.jlxd.cli.client.ws.WebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlxc console NAME [--show-log]}: attaches the terminal to the instance's console (raw mode, window size
 * forwarded; detach with ctrl+a q, like lxc), or prints the console log. The instance needs
 * {@code migration.stateful=false}.
 */
@Command(name = "console", description = "Attach to instance consoles")
public final class ConsoleCommand implements Callable<Integer> {
    static final int CTRL_A = 0x01;

    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "INSTANCE")
    String name;

    @Option(names = "--show-log", description = "Retrieve the container's console log")
    boolean showLog;

    public ConsoleCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        name = ctx.instance(name);
        String path = Instances.path(name) + "/console";
        if (showLog) {
            HttpResponse r = ctx.client().exchange("GET", path + "?type=log", null, null, null);
            if (r.status() != 200) {
                ApiResponse.parse(r);
            }
            ctx.out().write(r.body());
            ctx.out().flush();
            return 0;
        }
        boolean tty = ctx.interactive();
        int[] size = tty ? ExecCommand.Terminal.size() : new int[] {80, 24};
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("width", size[0]);
        body.put("height", size[1]);
        body.put("type", "console");
        ApiResponse r = ctx.client().call("POST", path, body, null);
        String op = r.operation();
        JsonNode fds = r.metadata().path("metadata").path("fds");
        String base = op + "/websocket?secret=";
        WebSocket control = ctx.client().websocket(base + fds.path("control").asText());
        WebSocket data = ctx.client().websocket(base + fds.path("0").asText());
        ExecCommand.Terminal raw = null;
        try {
            if (tty) {
                ctx.err().print("To detach from the console, press: <ctrl>+a q\r\n");
                ctx.err().flush();
                raw = ExecCommand.Terminal.makeRaw();
                ExecCommand.Terminal.onResize(() -> {
                    int[] s = ExecCommand.Terminal.size();
                    try {
                        control.sendText("{\"command\":\"window-resize\",\"args\":{\"width\":\"" + s[0] + "\",\"height\":\"" + s[1] + "\"}}");
                    } catch (IOException ignored) {
                        // the session ended
                    }
                });
            }
            Thread out = new Thread(() -> {
                try {
                    Message m;
                    while ((m = data.receive()) != null) {
                        ctx.out().write(m.data());
                        ctx.out().flush();
                    }
                } catch (IOException e) {
                    // the console went away
                }
            }, "console-out");
            out.setDaemon(true);
            out.start();
            Thread in = new Thread(() -> forward(ctx.in(), data), "console-in");
            in.setDaemon(true);
            in.start();
            out.join();
            return 0;
        } finally {
            if (raw != null) {
                raw.restore();
                ctx.err().println();
            }
            data.close();
            control.close();
        }
    }

    /** Local input to the console until ctrl+a q (detach) or the end of input. */
    static void forward(InputStream from, WebSocket to) {
        byte[] buf = new byte[4096];
        Escape escape = new Escape();
        try {
            int n;
            while ((n = from.read(buf)) > 0) {
                byte[] chunk = escape.filter(buf, n);
                if (chunk.length > 0) {
                    to.sendBinary(chunk);
                }
                if (escape.detached()) {
                    break;
                }
            }
        } catch (IOException e) {
            // the session ended
        }
        to.close();
    }

    /** lxc's console escape: ctrl+a q detaches, ctrl+a ctrl+a sends one ctrl+a, ctrl+a X sends both. */
    static final class Escape {
        private boolean prefix;
        private boolean detached;

        /** The bytes to send for {@code n} bytes of input (none after a detach). */
        byte[] filter(byte[] in, int n) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(n + 1);
            for (int i = 0; i < n && !detached; i++) {
                int b = in[i] & 0xff;
                if (prefix) {
                    prefix = false;
                    if (b == 'q') {
                        detached = true;
                        break;
                    }
                    out.write(CTRL_A);
                    if (b != CTRL_A) {
                        out.write(b);
                    }
                } else if (b == CTRL_A) {
                    prefix = true;
                } else {
                    out.write(b);
                }
            }
            return out.toByteArray();
        }

        boolean detached() {
            return detached;
        }
    }
}
