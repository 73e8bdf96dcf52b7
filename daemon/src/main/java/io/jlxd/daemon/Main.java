package io.jlxd.daemon;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code jlxd}: runs the daemon in the foreground until SIGTERM or SIGINT. */
@Command(name = "jlxd", mixinStandardHelpOptions = true, version = "jlxd 0.1.0",
        description = "The jlxd system-container daemon: LXD-compatible REST API on a Unix socket and HTTPS.")
public final class Main implements Callable<Integer> {
    @Option(names = "--datadir", paramLabel = "DIR", description = "Data directory (default: $JLXD_DIR or /var/lib/jlxd)")
    Path dataDir;

    @Option(names = "--group", paramLabel = "GROUP", description = "Group that owns the Unix socket (default: root's)")
    String group;

    @Option(names = "--log-file", paramLabel = "FILE", description = "Log file (default: DIR/logs/jlxd.log)")
    Path logFile;

    @Option(names = {"-v", "--verbose"}, description = "Log debug messages")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        Path dir = dataDir != null ? dataDir : Path.of(System.getenv().getOrDefault("JLXD_DIR", "/var/lib/jlxd"));
        Daemon daemon;
        try {
            daemon = Daemon.start(new Daemon.Options(dir.toAbsolutePath(), group, logFile, verbose));
        } catch (DataDir.AlreadyRunningException e) {
            System.err.println("Error: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("Error: jlxd failed to start: " + e.getMessage());
            if (verbose) {
                e.printStackTrace();
            }
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        daemon.close();
        return 0;
    }
}
