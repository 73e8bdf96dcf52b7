package io.jlxd.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real daemon as a separate process: {@code <jlxd.java> --enable-native-access=ALL-UNNAMED -jar <jlxd.jar>
 * --datadir <tmp> --verbose} on a fresh temporary data directory. {@link #start()} returns once {@code GET /1.0}
 * answers on the socket; {@link #stop()} sends SIGTERM (then SIGKILL after a bound); {@link #close()} also deletes
 * the temporary directory. The daemon's stdout and stderr go to files next to (not inside) the data directory.
 */
public final class JlxdDaemon implements AutoCloseable {
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private final Path dataDir;
    private final Path stdoutLog;
    private final Path stderrLog;
    private Process process;
    private int starts;
    private List<String> extraArgs = List.of();
    private java.util.Map<String, String> extraEnv = java.util.Map.of();
    private final List<java.util.regex.Pattern> allowedWarnings = new ArrayList<>();
    /** A warning or error line of the daemon's log format, or a JVM warning. */
    private static final java.util.regex.Pattern WARNING_LINE = java.util.regex.Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\dT\\S+Z (WARNING|ERROR).*|WARNING: .*|\\[[^]]*]\\[(warning|error)].*)$");

    private JlxdDaemon(Path root) throws IOException {
        this.root = root;
        this.dataDir = Files.createDirectory(root.resolve("data"));
        this.stdoutLog = root.resolve("daemon.stdout");
        this.stderrLog = root.resolve("daemon.stderr");
    }

    /** A daemon on a fresh temporary data directory, started and ready. */
    public static JlxdDaemon start() {
        return start(List.of());
    }

    /**
     * The same with extra daemon options (e.g. {@code --storage-driver btrfs}), kept for restarts. Unless the options
     * say otherwise, the daemon starts with {@code --network none}: no default network, so that no test depends on
     * (or leaves) a bridge it did not ask for; {@link #startWithDefaultNetwork} is the exception.
     */
    public static JlxdDaemon start(List<String> extraArgs) {
        List<String> args = new ArrayList<>(extraArgs);
        if (!args.contains("--network") && !args.contains(DEFAULT_NETWORK)) {
            args.add("--network");
            args.add("none");
        }
        args.remove(DEFAULT_NETWORK);
        return startWith(args);
    }

    private static final String DEFAULT_NETWORK = "<default network>";

    /** A daemon whose first start creates the default network (jlxdbrN) and its eth0 in the default profile. */
    public static JlxdDaemon startWithDefaultNetwork(List<String> extraArgs) {
        List<String> args = new ArrayList<>(extraArgs);
        args.add(DEFAULT_NETWORK);
        return start(args);
    }

    /** A daemon (as {@link #start()}) with extra environment variables, kept for restarts. */
    public static JlxdDaemon startWithEnv(java.util.Map<String, String> env) {
        return startWith(List.of("--network", "none"), env);
    }

    private static JlxdDaemon startWith(List<String> extraArgs) {
        return startWith(extraArgs, java.util.Map.of());
    }

    private static JlxdDaemon startWith(List<String> extraArgs, java.util.Map<String, String> env) {
        JlxdDaemon d;
        try {
            d = new JlxdDaemon(Files.createTempDirectory("jlxd-e2e-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        d.extraArgs = List.copyOf(extraArgs);
        d.extraEnv = java.util.Map.copyOf(env);
        try {
            d.startProcess();
        } catch (RuntimeException | Error e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** The command line that starts a daemon on {@code dataDir}. */
    public static List<String> command(Path dataDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(TestEnv.java());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-jar");
        cmd.add(TestEnv.daemonJar().toString());
        cmd.add("--datadir");
        cmd.add(dataDir.toString());
        cmd.add("--verbose");
        return cmd;
    }

    /** Starts the process (again) on the same data directory and waits until it is ready. */
    public synchronized void startProcess() {
        launch();
        awaitReady();
    }

    /** Starts the process (again) on the same data directory without waiting (to crash it during its start). */
    public synchronized void launch() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the daemon is already running (pid " + process.pid() + ")");
        }
        starts++;
        try {
            Files.writeString(stderrLog, "---- start " + starts + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            List<String> cmd = new ArrayList<>(command(dataDir));
            cmd.addAll(extraArgs);
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(stdoutLog.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(extraEnv);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the daemon", e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no attempt";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("jlxd exited with code " + process.exitValue() + " before it was ready"
                        + "\n---- stderr (end):\n" + tail(stderr()));
            }
            if (Files.exists(socket())) {
                try {
                    RawHttp.Answer a = RawHttp.request(socket(), "GET", "/1.0", null, 5000);
                    if (a.status() == 200) {
                        return;
                    }
                    last = "GET /1.0 answered " + a.status() + ": " + a.bodyText();
                } catch (IOException e) {
                    last = "GET /1.0 failed: " + e;
                }
            } else {
                last = "no socket " + socket();
            }
            sleep(100);
        }
        String err = stderr();
        kill();
        throw new AssertionError("jlxd was not ready within " + START_TIMEOUT.toSeconds() + " s (" + last + ")"
                + "\n---- stderr (end):\n" + tail(err));
    }

    /** SIGTERM, wait up to {@link #STOP_TIMEOUT}, then SIGKILL. Returns the exit code (or -1 if killed). */
    public synchronized int stop() {
        if (process == null) {
            throw new IllegalStateException("never started");
        }
        if (!process.isAlive()) {
            return process.exitValue();
        }
        process.destroy(); // SIGTERM on Linux
        try {
            if (process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        return -1;
    }

    /** SIGTERM then start again on the same data directory. Returns the exit code of the stopped process. */
    public int restart() {
        int code = stop();
        startProcess();
        return code;
    }

    /** SIGKILL, as a crash: the daemon gets no chance to clean up. */
    public synchronized void crash() {
        kill();
    }

    private void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path socket() {
        return dataDir.resolve("unix.socket");
    }

    /**
     * Declares warnings this test provokes on purpose (regular expressions found in the line): {@link #close()} fails
     * the test on any other WARNING/ERROR line of the daemon's log (and on JVM warnings).
     */
    public synchronized JlxdDaemon allowWarnings(String... regexes) {
        for (String r : regexes) {
            allowedWarnings.add(java.util.regex.Pattern.compile(r));
        }
        return this;
    }

    /** WARNING/ERROR lines of the daemon's stderr that no {@link #allowWarnings} pattern covers. */
    public synchronized List<String> unexpectedWarnings() {
        List<String> out = new ArrayList<>();
        for (String line : stderr().split("\n")) {
            if (WARNING_LINE.matcher(line).matches() && allowedWarnings.stream().noneMatch(p -> p.matcher(line).find())) {
                out.add(line);
            }
        }
        return out;
    }

    /** Everything the daemon wrote to stderr so far (all starts). */
    public String stderr() {
        return read(stderrLog);
    }

    public String stdout() {
        return read(stdoutLog);
    }

    /** The last 8000 characters of a log, for failure messages. */
    public static String tail(String log) {
        return log.length() <= 8000 ? log : "..." + log.substring(log.length() - 8000);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + p + ": " + e + ")";
        }
    }

    /** Keeps the daemon's log in target/daemon-logs (the temporary directory goes), for reading after a failure. */
    private void keepLog() {
        try {
            Path dir = Path.of("target", "daemon-logs");
            Files.createDirectories(dir);
            if (Files.exists(stderrLog)) {
                Files.copy(stderrLog, dir.resolve(root.getFileName() + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("cannot keep the daemon's log: " + e);
        }
    }

    /**
     * Stops the daemon if it runs and deletes the temporary directory, and the lock directory liblxc keeps for the
     * daemon's containers under /run/lxc/lock (named after their lxcpath).
     */
    @Override
    public synchronized void close() {
        List<String> unexpected;
        try {
            if (process != null && process.isAlive()) {
                stop();
            }
        } finally {
            unexpected = unexpectedWarnings();
            keepLog();
            unmountUnder(root);
            deleteTree(root);
            deleteTree(Path.of("/run/lxc/lock" + root.toAbsolutePath()));
            deleteEmptyParents(Path.of("/run/lxc/lock" + root.toAbsolutePath()).getParent(), Path.of("/run/lxc/lock"));
        }
        if (!unexpected.isEmpty() && !Boolean.getBoolean("jlxd.tests.ignoreDaemonWarnings")) {
            throw new AssertionError("the daemon logged " + unexpected.size() + " unexpected warning(s) (declare the ones a test"
                    + " provokes with JlxdDaemon.allowWarnings):\n" + String.join("\n", unexpected));
        }
    }

    /**
     * Unmounts what the daemon mounted under {@code dir} (btrfs pools on loop files, bind-mounted sources), deepest
     * first, so that deleting the tree never walks into a mounted file system; the loop devices go with the mounts.
     */
    static void unmountUnder(Path dir) {
        String prefix = dir.toAbsolutePath() + "/";
        List<String> points = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].startsWith(prefix)) {
                    points.add(f[4]);
                }
            }
            points.sort(java.util.Comparator.comparingInt(String::length).reversed());
            for (String p : points) {
                new ProcessBuilder("umount", "-l", p).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start().waitFor();
            }
        } catch (IOException e) {
            System.err.println("warning: cannot unmount under " + dir + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteEmptyParents(Path dir, Path stop) {
        for (Path d = dir; d != null && d.startsWith(stop) && !d.equals(stop); d = d.getParent()) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException e) {
                return; // not empty: another daemon's locks are there
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("warning: cannot delete " + dir + ": " + e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
