package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiResponse;
import io.jlxd.cli.client.PathEscape;
import io.jlxd.cli.client.ws.Message;
import io.jlxd.cli.client.ws.WebSocket;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlxc exec NAME [--env K=V]... [--cwd D] [--user U] [--group G] [-t|-T] -- CMD...}, like {@code lxc exec}:
 * interactive (one pty, raw local terminal, window size forwarded on SIGWINCH) when stdin is a terminal or with
 * {@code -t}, else three pipes (stdin to "0", "1" and "2" to stdout and stderr). The exit code is the command's.
 */
@Command(name = "exec", description = "Execute commands in instances",
        footer = {"", "Examples:", "  jlxc exec c1 -- ls -l /", "  echo hi | jlxc exec c1 -- cat", "  jlxc exec c1 -t -- sh"})
public final class ExecCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "INSTANCE")
    String name;

    @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "1..*")
    List<String> command = new ArrayList<>();

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "Environment variable to set (repeatable)")
    List<String> env = new ArrayList<>();

    @Option(names = "--cwd", paramLabel = "DIR", description = "Directory to run the command in (default /root or /)")
    String cwd;

    @Option(names = "--user", paramLabel = "UID", description = "User ID to run the command as (default 0)")
    Long user;

    @Option(names = "--group", paramLabel = "GID", description = "Group ID to run the command as (default 0)")
    Long group;

    @Option(names = {"-t", "--force-interactive"}, description = "Force pseudo-terminal allocation")
    boolean forceInteractive;

    @Option(names = {"-T", "--force-noninteractive"}, description = "Disable pseudo-terminal allocation")
    boolean forceNonInteractive;

    public ExecCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    /** "K=V" pairs as a map; a pair without "=" is a usage error. */
    static Map<String, String> environment(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new CliException("Bad environment variable \"" + p + "\": expected KEY=VALUE");
            }
            out.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        if (forceInteractive && forceNonInteractive) {
            throw new CliException("You can't pass -t and -T at the same time");
        }
        name = ctx.instance(name);
        boolean interactive = forceInteractive || (!forceNonInteractive && ctx.interactive());
        Map<String, String> environment = environment(env);
        if (interactive && System.getenv("TERM") != null) {
            environment.putIfAbsent("TERM", System.getenv("TERM"));
        }
        int[] size = interactive ? Terminal.size() : new int[] {80, 24};
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", command);
        body.put("environment", environment);
        body.put("wait-for-websocket", true);
        body.put("interactive", interactive);
        body.put("width", size[0]);
        body.put("height", size[1]);
        if (user != null) {
            body.put("user", user);
        }
        if (group != null) {
            body.put("group", group);
        }
        if (cwd != null) {
            body.put("cwd", cwd);
        }
        ApiResponse r = ctx.client().call("POST", "/1.0/instances/" + PathEscape.segment(name) + "/exec", body, null);
        String op = r.operation();
        JsonNode fds = r.metadata().path("metadata").path("fds");
        String base = op + "/websocket?secret=";
        WebSocket control = ctx.client().websocket(base + fds.path("control").asText());
        List<Thread> outputs = new ArrayList<>();
        Terminal raw = null;
        try {
            if (interactive) {
                WebSocket tty = ctx.client().websocket(base + fds.path("0").asText());
                raw = Terminal.makeRaw();
                Terminal.onResize(() -> {
                    int[] s = Terminal.size();
                    try {
                        control.sendText("{\"command\":\"window-resize\",\"args\":{\"width\":\"" + s[0] + "\",\"height\":\"" + s[1] + "\"}}");
                    } catch (IOException ignored) {
                        // the session ended
                    }
                });
                outputs.add(pump(tty, ctx.out()));
                daemon(() -> copy(ctx.in(), tty, false));
            } else {
                WebSocket out = ctx.client().websocket(base + fds.path("1").asText());
                WebSocket err = ctx.client().websocket(base + fds.path("2").asText());
                WebSocket in = ctx.client().websocket(base + fds.path("0").asText());
                outputs.add(pump(out, ctx.out()));
                outputs.add(pump(err, ctx.err()));
                daemon(() -> copy(ctx.in(), in, true));
            }
            for (Thread t : outputs) {
                t.join();
            }
            JsonNode done = ctx.client().await(op, -1).metadata();
            if (!"Success".equals(done.path("status").asText())) {
                throw new CliException(done.path("err").asText("exec failed"));
            }
            return done.path("metadata").path("return").asInt(0);
        } finally {
            if (raw != null) {
                raw.restore();
            }
            control.close();
        }
    }

    /** Copies a websocket's data to a local stream until the server closes it. */
    private static Thread pump(WebSocket ws, OutputStream to) {
        return daemon(() -> {
            try {
                Message m;
                while ((m = ws.receive()) != null) {
                    to.write(m.data());
                    to.flush();
                }
            } catch (IOException e) {
                // connection gone: the operation tells the outcome
            } finally {
                ws.close();
            }
        });
    }

    /** Local stdin to the websocket; at the end of a pipe, LXD's end-of-stdin (an empty text frame). */
    private static void copy(InputStream from, WebSocket to, boolean sendEof) {
        byte[] buf = new byte[32 * 1024];
        try {
            int n;
            while ((n = from.read(buf)) > 0) {
                to.sendBinary(java.util.Arrays.copyOf(buf, n));
            }
            if (sendEof) {
                to.sendText("");
            }
        } catch (IOException e) {
            // the session ended
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "exec-io");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The local terminal: raw mode through {@code stty} on /dev/tty, its size, SIGWINCH. */
    static final class Terminal {
        private final String saved;

        private Terminal(String saved) {
            this.saved = saved;
        }

        static Terminal makeRaw() throws IOException, InterruptedException {
            String saved = stty("-g").strip();
            stty("raw", "-echo");
            return new Terminal(saved);
        }

        void restore() {
            try {
                stty(saved);
            } catch (IOException | InterruptedException ignored) {
                // best effort
            }
        }

        /** {width, height} of /dev/tty; 80x24 when it has none. */
        static int[] size() {
            try {
                String[] s = stty("size").strip().split("\\s+");
                return new int[] {Integer.parseInt(s[1]), Integer.parseInt(s[0])};
            } catch (Exception e) {
                return new int[] {80, 24};
            }
        }

        static void onResize(Runnable r) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), sig -> r.run());
            } catch (IllegalArgumentException ignored) {
                // no SIGWINCH here
            }
        }

        private static String stty(String... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of("stty", "-F", "/dev/tty"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("stty " + String.join(" ", args) + " failed");
            }
            return out;
        }
    }
}
