package io.jlxd.daemon;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * {@code jlxd}: runs the daemon in the foreground until SIGTERM or SIGINT. Options are parsed by hand: four options do
 * not justify a command-line library on the start-up path.
 */
public final class Main {
    /** When main() began, for the start-up timings in the log. */
    static final long STARTED_NANOS = System.nanoTime();

    static final String USAGE = """
            Usage: jlxd [--datadir DIR] [--group GROUP] [--log-file FILE] [--storage-driver dir|btrfs]
                        [--storage-size SIZE] [--network none] [-v|--verbose]
            The jlxd system-container daemon: LXD-compatible REST API on a Unix socket and HTTPS.
                  --datadir DIR     Data directory (default: $JLXD_DIR or /var/lib/jlxd)
                  --group GROUP     Group that owns the Unix socket (default: root's)
                  --log-file FILE   Log file (default: DIR/logs/jlxd.log; moved to FILE.1 at 10 MiB)
                  --storage-driver D  Driver of the "default" storage pool created at the first start: dir
                                    (default) or btrfs (on a loop file DIR/disks/default.img)
                  --storage-size SIZE  Size of that loop file (e.g. 10GiB; default like LXD: 20% of the free
                                    space, 5 to 30 GiB)
                  --network none    At the first start, do not create the default network (jlxdbr0) nor
                                    add its eth0 NIC to the default profile
              -v, --verbose         Log debug messages
              -h, --help            Show this help message and exit
              -V, --version         Print version information and exit
            """;

    /** Parsed command line. */
    record Args(Path dataDir, String group, Path logFile, boolean verbose, boolean help, boolean version,
                String storageDriver, String storageSize, boolean defaultNetwork) {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] argv) {
        Args a;
        try {
            a = parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
        if (a.help()) {
            System.out.print(USAGE);
            return 0;
        }
        if (a.version()) {
            System.out.println("jlxd " + io.jlxd.daemon.routes.ServerRoutes.VERSION);
            return 0;
        }
        Path dir = a.dataDir() != null ? a.dataDir() : Path.of(System.getenv().getOrDefault("JLXD_DIR", "/var/lib/jlxd"));
        Daemon daemon;
        try {
            daemon = Daemon.start(new Daemon.Options(dir.toAbsolutePath(), a.group(), a.logFile(), a.verbose(),
                    new io.jlxd.daemon.storage.StoragePools.Defaults(a.storageDriver(), a.storageSize()), a.defaultNetwork()));
        } catch (DataDir.AlreadyRunningException e) {
            System.err.println("Error: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("Error: jlxd failed to start: " + e.getMessage());
            if (a.verbose()) {
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

    static Args parse(String[] argv) {
        Path dataDir = null;
        String group = null;
        Path logFile = null;
        boolean verbose = false;
        boolean help = false;
        boolean version = false;
        String storageDriver = "dir";
        String storageSize = null;
        boolean defaultNetwork = true;
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--datadir" -> dataDir = Path.of(value != null ? value : next(argv, ++i, arg));
                case "--group" -> group = value != null ? value : next(argv, ++i, arg);
                case "--log-file" -> logFile = Path.of(value != null ? value : next(argv, ++i, arg));
                case "--storage-driver" -> storageDriver = value != null ? value : next(argv, ++i, arg);
                case "--storage-size" -> storageSize = value != null ? value : next(argv, ++i, arg);
                case "--network" -> {
                    String v = value != null ? value : next(argv, ++i, arg);
                    if (!v.equals("none")) {
                        throw new IllegalArgumentException("--network takes \"none\" (skip the default network)");
                    }
                    defaultNetwork = false;
                }
                case "-v", "--verbose" -> verbose = true;
                case "-h", "--help" -> help = true;
                case "-V", "--version" -> version = true;
                default -> throw new IllegalArgumentException("unknown option or argument '" + argv[i] + "'");
            }
        }
        if (!storageDriver.equals("dir") && !storageDriver.equals("btrfs")) {
            throw new IllegalArgumentException("--storage-driver must be dir or btrfs");
        }
        if (storageSize != null) {
            io.jlxd.api.config.Sizes.parseBytes(storageSize);
        }
        return new Args(dataDir, group, logFile, verbose, help, version, storageDriver, storageSize, defaultNetwork);
    }

    private static String next(String[] argv, int i, String option) {
        if (i >= argv.length || argv[i].isEmpty()) {
            throw new IllegalArgumentException("option " + option + " needs a value");
        }
        return argv[i];
    }
}
