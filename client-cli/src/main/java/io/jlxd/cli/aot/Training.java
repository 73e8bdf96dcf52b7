package io.jlxd.cli.aot;

import io.jlxd.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The AOT cache training workload ({@code scripts/build-cli-aot.sh}): runs the usual commands in-process, against
 * a {@link CannedDaemon} (so HTTP, JSON, YAML, tables and the event WebSocket are all exercised), against a missing
 * socket (the error path), with usage errors, and, if a real daemon answers at {@code $JLXD_DIR}, read-only
 * commands against it. Output is discarded; the JVM records the classes and profiles it used.
 */
public final class Training {
    private static final List<List<String>> CANNED = List.of(
            List.of("--help"), List.of("--version"), List.of("help", "config"), List.of("config", "set", "--help"),
            List.of("version"), List.of("info"), List.of("info", "--format", "json"),
            List.of("config", "show"), List.of("config", "get", "user.foo"),
            List.of("config", "set", "user.a=b", "user.c=d"), List.of("config", "set", "user.a", "b"),
            List.of("config", "unset", "user.a"),
            List.of("operation", "list"), List.of("operation", "list", "--format", "csv"),
            List.of("operation", "list", "--format", "json"), List.of("operation", "list", "--format", "yaml"),
            List.of("operation", "show", CannedJlxd.RUNNING_ID), List.of("operation", "delete", CannedJlxd.RUNNING_ID),
            List.of("query", "/1.0"), List.of("query", "--raw", "/1.0/operations?recursion=1"),
            List.of("query", "-X", "POST", "-d", "{\"name\":\"x\",\"token\":true}", "--wait", "/1.0/certificates"),
            List.of("query", "-X", "PATCH", "-d", "-", "/1.0"), List.of("query", "/1.0/nowhere"),
            List.of("monitor"), List.of("monitor", "--pretty", "--type", "operation,lifecycle"),
            List.of("operation", "list", "--bogus"), List.of("nosuchcommand"),
            List.of("list"), List.of("list", "--format", "csv", "-c", "ns4Pmu", "status=running"),
            List.of("list", "--format", "json"), List.of("info", "c1"), List.of("config", "show", "c1"),
            List.of("config", "get", "c1", "user.role"), List.of("config", "set", "c1", "user.a=b"),
            List.of("config", "device", "list", "c1"), List.of("start", "c1"), List.of("stop", "c1", "--force"),
            List.of("pause", "c1"), List.of("delete", "--force", "c1"), List.of("launch", "--help"),
            List.of("profile", "list"), List.of("profile", "show", "default"),
            List.of("profile", "set", "default", "user.a=b"), List.of("info", "nosuch"),
            List.of("remote", "list"), List.of("remote", "get-default"), List.of("list", "local:"),
            List.of("info", "local:c1"), List.of("list", "nosuch:"), List.of("exec", "c1", "--", "true"));
    /**
     * The lean cache's workload: the read commands scripts and users run most and exec, with table and CSV output
     * and their error paths, without a client configuration file; not what needs Jackson's databind (YAML/JSON
     * documents, the configuration file, operations converted to records by state changes), help, query or monitor:
     * the JVM loads and links every class of a cache at start, so these would make every start of the lean cache
     * slower. The launcher picks this cache for these commands.
     */
    private static final List<List<String>> LEAN_CANNED = List.of(
            List.of("version"), List.of("list"), List.of("list", "--format", "csv", "-c", "ns4Pmu", "status=running"),
            List.of("list", "local:"), List.of("profile", "list"),
            List.of("exec", "c1", "--", "true"), List.of("exec", "c1", "-T", "--env", "A=b", "--", "sh", "-c", "x"),
            List.of("info", "nosuch"), List.of("list", "nosuch:"));
    private static final List<List<String>> LEAN_OFFLINE = List.of(List.of("version"), List.of("list"));
    private static final List<List<String>> LEAN_LIVE = List.of(List.of("version"), List.of("list"),
            List.of("profile", "list"));
    private static final List<List<String>> OFFLINE = List.of(
            List.of("version"), List.of("info"), List.of("operation", "list"), List.of("config", "get", "x"));
    private static final List<List<String>> LIVE = List.of(
            List.of("version"), List.of("info"), List.of("config", "show"), List.of("operation", "list"),
            List.of("query", "/1.0"), List.of("list"), List.of("profile", "list"));

    private Training() {
    }

    /** {@code Training [lean] [ROUNDS]}: the full workload (default) or the lean cache's, ROUNDS times (3). */
    public static void main(String[] args) throws IOException {
        boolean lean = args.length > 0 && args[0].equals("lean");
        int first = lean ? 1 : 0;
        int rounds = args.length > first ? Integer.parseInt(args[first]) : 3;
        List<List<String>> cannedCommands = lean ? LEAN_CANNED : CANNED;
        List<List<String>> offlineCommands = lean ? LEAN_OFFLINE : OFFLINE;
        List<List<String>> liveCommands = lean ? LEAN_LIVE : LIVE;
        Path dir = Files.createTempDirectory("jlxc-aot");
        int runs = 0;
        try (CannedDaemon daemon = CannedDaemon.start(dir.resolve("unix.socket"), new CannedJlxd())) {
            // The client configuration: a config.yml (local remote) for the canned rounds, none offline; never the
            // user's own (~/.config/jlxc), whose remotes the training must not talk to.
            Path conf = Files.createDirectories(dir.resolve("conf"));
            Files.writeString(conf.resolve("config.yml"), "default-remote: local\nremotes:\n  local:\n    addr: unix://\n"
                    + "    protocol: lxd\n    public: false\naliases: {}\n");
            Map<String, String> canned = Map.of("JLXD_DIR", dir.toString(),
                    "JLXC_CONF", (lean ? dir.resolve("absent-conf") : conf).toString());
            Map<String, String> offline = Map.of("JLXD_DIR", dir.resolve("absent").toString(),
                    "JLXC_CONF", dir.resolve("absent-conf").toString());
            for (int i = 0; i < rounds; i++) {
                runs += runAll(cannedCommands, canned) + runAll(offlineCommands, offline);
            }
            String live = System.getenv("JLXD_DIR");
            Path socket = Path.of(live == null || live.isBlank() ? "/var/lib/jlxd" : live, "unix.socket");
            if (Files.exists(socket)) {
                runs += runAll(liveCommands, Map.of("JLXD_DIR", socket.getParent().toString(),
                        "JLXC_CONF", dir.resolve("absent-conf").toString()));
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.println("jlxc AOT training: " + runs + " command runs");
    }

    private static int runAll(List<List<String>> commands, Map<String, String> env) {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        for (List<String> command : commands) {
            byte[] stdin = "{\"config\":{\"user.q\":\"1\"}}".getBytes(StandardCharsets.UTF_8);
            Main.run(command.toArray(String[]::new), env, new ByteArrayInputStream(stdin), sink, sink);
        }
        return commands.size();
    }
}
