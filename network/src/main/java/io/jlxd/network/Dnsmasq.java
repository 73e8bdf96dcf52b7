package io.jlxd.network;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One supervised dnsmasq for one managed bridge: started in the foreground as a child of the daemon with the
 * configuration file of its network directory; when it dies it is started again (with a growing delay while it keeps
 * dying) and the event is logged. A configuration or hosts change restarts it: dnsmasq drops its privileges, and the
 * network directory is readable by root only, so it re-reads nothing by itself. At daemon shutdown it is left running
 * (the containers keep their DHCP and DNS); the next start replaces it.
 */
public final class Dnsmasq {
    private static final Logger LOG = Logger.getLogger(Dnsmasq.class.getName());
    private static final ScheduledExecutorService RESTARTS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dnsmasq-supervisor");
        t.setDaemon(true);
        return t;
    });

    private final String network;
    private DnsmasqConfig config;
    private String hosts;
    private Process process;
    private boolean stopped;
    private long delayMs = 500;
    private int restarts;

    private Dnsmasq(String network, DnsmasqConfig config, String hosts) {
        this.network = network;
        this.config = config;
        this.hosts = hosts;
    }

    /** Writes the files and starts dnsmasq, replacing a dnsmasq left running by an earlier daemon on the same files. */
    public static Dnsmasq start(String network, DnsmasqConfig config, String hosts) throws IOException {
        Dnsmasq d = new Dnsmasq(network, config, hosts);
        synchronized (d) {
            killStale(config);
            d.writeFiles();
            d.launch();
        }
        return d;
    }

    /** How many times it was started again after dying. */
    public synchronized int restarts() {
        return restarts;
    }

    public synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    public synchronized DnsmasqConfig config() {
        return config;
    }

    /** Applies a new configuration and hosts file: restarts dnsmasq when either changed. */
    public synchronized void update(DnsmasqConfig newConfig, String newHosts) throws IOException {
        if (newConfig.render().equals(config.render()) && newHosts.equals(hosts) && process != null && process.isAlive()) {
            return;
        }
        DnsmasqConfig old = config;
        String oldHosts = hosts;
        stopProcess();
        config = newConfig;
        hosts = newHosts;
        try {
            writeFiles();
            launch();
        } catch (IOException e) {
            config = old;
            hosts = oldHosts;
            writeFiles();
            launch();
            throw e;
        }
    }

    /** Stops dnsmasq for good (network deleted or reconfigured without DHCP/DNS). */
    public synchronized void stop() {
        stopped = true;
        stopProcess();
        try {
            Files.deleteIfExists(config.pidFile());
        } catch (IOException e) {
            LOG.warning("dnsmasq of " + network + ": " + e.getMessage());
        }
    }

    /** Stops supervising and leaves dnsmasq running (daemon shutdown). */
    public synchronized void detach() {
        stopped = true;
    }

    private void stopProcess() {
        Process p = process;
        process = null;
        if (p != null && p.isAlive()) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void writeFiles() throws IOException {
        Path dir = config.dir();
        writeRootOnly(config.configFile(), config.render());
        writeRootOnly(config.hostsFile(), hosts);
        for (Path f : new Path[] {config.leaseFile(), logFile()}) {
            if (!Files.exists(f)) {
                writeRootOnly(f, "");
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    private Path logFile() {
        return config.dir().resolve("dnsmasq.log");
    }

    private static void writeRootOnly(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void launch() throws IOException {
        ProcessBuilder pb = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--conf-file=" + config.configFile(),
                "--log-facility=-")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        Process p = pb.start();
        try {
            // started = it wrote its pid file and sleeps in its main poll loop; some checks (a TFTP root, for one)
            // come after the pid file, and a dnsmasq that fails them exits here, before we call it started
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (p.isAlive() && !(pidFileNames(p.pid()) && polling(p.pid())) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!p.isAlive()) {
            throw new IOException("dnsmasq for " + network + " exited at start (code " + p.exitValue() + "): " + lastLog());
        }
        process = p;
        stopped = false;
        p.onExit().thenRun(() -> died(p));
    }

    /**
     * Whether the process sleeps in poll(2), its main loop: state S and a wchan in the poll code. wchan reads "0"
     * for a running task (or a symbol the kernel does not name) and "" when access is refused, so a sleeping task
     * with such a wchan counts as polling, a running one never does.
     */
    static boolean polling(long pid) {
        String state;
        String w;
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            w = Files.readString(Path.of("/proc/" + pid + "/wchan")).strip();
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return state.equals("S") && (w.contains("poll") || w.equals("0") || w.isEmpty());
    }

    private boolean pidFileNames(long pid) {
        try {
            return Files.readString(config.pidFile()).strip().equals(Long.toString(pid));
        } catch (IOException e) {
            return false;
        }
    }

    private String lastLog() {
        try {
            String[] lines = Files.readString(logFile()).strip().split("\n");
            return lines[lines.length - 1];
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private synchronized void died(Process p) {
        if (stopped || process != p) {
            return;
        }
        LOG.warning("dnsmasq of network " + network + " (pid " + p.pid() + ") died with code " + p.exitValue()
                + "; restarting it in " + delayMs + " ms");
        process = null;
        long delay = delayMs;
        delayMs = Math.min(delayMs * 2, 30_000);
        RESTARTS.schedule(this::restart, delay, TimeUnit.MILLISECONDS);
    }

    private synchronized void restart() {
        if (stopped || process != null) {
            return;
        }
        try {
            launch();
            restarts++;
            LOG.info("dnsmasq of network " + network + " restarted (pid " + process.pid() + ")");
            long pid = process.pid();
            RESTARTS.schedule(() -> {
                synchronized (this) {
                    if (process != null && process.pid() == pid) {
                        delayMs = 500; // it stayed up: the next death restarts quickly again
                    }
                }
            }, 10, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warning("dnsmasq of network " + network + " cannot be restarted: " + e.getMessage());
            long delay = delayMs;
            delayMs = Math.min(delayMs * 2, 30_000);
            RESTARTS.schedule(this::restart, delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Kills a dnsmasq that an earlier daemon left running on these files (pid file and command line both match). */
    static void killStale(DnsmasqConfig config) {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(config.pidFile()).strip());
        } catch (IOException | NumberFormatException e) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(h -> {
            String cmdline;
            try {
                cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
            } catch (IOException e) {
                return;
            }
            if (cmdline.contains("dnsmasq") && cmdline.contains("--conf-file=" + config.configFile())) {
                h.destroy();
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            }
        });
    }
}
