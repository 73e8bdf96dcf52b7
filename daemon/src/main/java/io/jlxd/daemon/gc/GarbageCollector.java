package io.jlxd.daemon.gc;

import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.NetworkTable;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.LxcContainerDriver;
import io.jlxd.daemon.ops.ActivityGate;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.daemon.storage.StoragePools;
import io.jlxd.daemon.warnings.Warnings;
import io.jlxd.network.Bridge;
import io.jlxd.network.Nft;
import io.jlxd.storage.pool.PoolDriver;
import io.jlxd.storage.pool.VolumeType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Garbage collection by reachability: the database is the truth. One pass at start (before anything is served) and one
 * after a failed operation (once the daemon is quiet: no operation running and no changing request in flight, with
 * new ones held back by the {@link ActivityGate} while it runs) removes what no row reaches ({@link GcPlan}): liblxc
 * definitions and containers, cgroups under the daemon's prefix, instance volumes and snapshot volumes, container
 * volume rows, bridges carrying the daemon's owner mark with their nft table, veths on them, network files and
 * dnsmasq processes. Only this daemon's things are looked at (its lxcpath, its {@code jlxd-<hash>} cgroups, bridges
 * with its mark, its data directory), so two daemons on one host never collect each other's. Each removal is logged;
 * a pass that removed something is a warning of {@code /1.0/warnings}, and so is a removal that failed.
 */
public final class GarbageCollector {
    private static final Logger LOG = Logger.getLogger(GarbageCollector.class.getName());

    private final Path dataDir;
    private final InstanceTable instances;
    private final NetworkTable networks;
    private final LxcContainerDriver driver;
    private final StoragePools pools;
    private final Warnings warnings;
    private final String owner;
    private final Object passLock = new Object();
    private volatile boolean requested;
    private Thread worker;

    public GarbageCollector(Path dataDir, InstanceTable instances, NetworkTable networks, LxcContainerDriver driver,
                            StoragePools pools, Warnings warnings, String bridgeOwnerMark) {
        this.dataDir = dataDir.toAbsolutePath();
        this.instances = instances;
        this.networks = networks;
        this.driver = driver;
        this.pools = pools;
        this.warnings = warnings;
        this.owner = bridgeOwnerMark;
    }

    /** One pass, now (at start, before anything is served, or under the gate). Returns what was removed. */
    public List<GcPlan.Garbage> collect() {
        synchronized (passLock) {
            GcPlan.Roots roots = roots();
            List<GcPlan.Garbage> garbage = GcPlan.plan(roots, observe());
            List<GcPlan.Garbage> removed = new ArrayList<>();
            for (GcPlan.Garbage g : garbage) {
                try {
                    sweep(g);
                    LOG.warning("garbage collection: removed " + g.describe());
                    removed.add(g);
                } catch (IOException | RuntimeException | io.jlxd.daemon.instance.driver.DriverException e) {
                    LOG.warning("garbage collection: cannot remove " + g.describe() + ": " + e.getMessage());
                    warnings.record("Garbage collection failed", Warnings.Severity.MODERATE, "", g.describe() + ": " + e.getMessage());
                }
            }
            if (!removed.isEmpty()) {
                StringBuilder s = new StringBuilder();
                for (GcPlan.Garbage g : removed) {
                    s.append(s.isEmpty() ? "" : "; ").append(g.describe());
                }
                warnings.record("Garbage collected", Warnings.Severity.LOW, "", "removed " + removed.size() + ": " + s);
            }
            return removed;
        }
    }

    /**
     * Starts the background collector: after {@link #request()} (an operation failed), it waits until the daemon is
     * quiet and runs one pass with changing requests and operations held back.
     */
    public synchronized void startBackground(ActivityGate gate, Operations operations) {
        if (worker != null) {
            return;
        }
        worker = Thread.ofVirtual().name("gc").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    synchronized (this) {
                        while (!requested) {
                            wait();
                        }
                        requested = false;
                    }
                    while (true) {
                        if (gate.tryBeginExclusive()) {
                            try {
                                if (operations.quiet()) {
                                    collect();
                                    break;
                                }
                            } finally {
                                gate.endExclusive();
                            }
                        }
                        TimeUnit.MILLISECONDS.sleep(500); // poll for a quiet moment; requests are never held while waiting
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warning("garbage collection failed: " + e);
                }
            }
        });
    }

    /** Asks for a pass once the daemon is quiet (after a failed operation). */
    public synchronized void request() {
        requested = true;
        notifyAll();
    }

    public synchronized void stop() {
        if (worker != null) {
            worker.interrupt();
            worker = null;
        }
    }

    // ------------------------------------------------------------------ roots and observation

    private GcPlan.Roots roots() {
        Set<String> names = new TreeSet<>(instances.names());
        Set<String> running = new TreeSet<>();
        Set<String> veths = new TreeSet<>();
        for (String n : names) {
            if (activeOrUnknown(n)) {
                running.add(n);
                instances.get(n).ifPresent(r -> r.volatileConfig().forEach((k, v) -> {
                    if (k.endsWith(".host_name")) {
                        veths.add(v);
                    }
                }));
            }
        }
        return new GcPlan.Roots(names, running, veths, new TreeSet<>(networks.names()), new TreeSet<>(pools.table().names()));
    }

    /** Active, or its state cannot be read (then it is treated as reaching everything it names). */
    private boolean activeOrUnknown(String name) {
        try {
            return driver.exists(name) && driver.state(name).active();
        } catch (RuntimeException | io.jlxd.daemon.instance.driver.DriverException e) {
            return true;
        }
    }

    private GcPlan.Observed observe() {
        Set<String> definitions = new TreeSet<>();
        Set<String> active = new TreeSet<>();
        Set<String> uncertain = new TreeSet<>();
        for (String d : visibleDirs(driver.lxcPath())) {
            definitions.add(d);
            if (!Files.exists(driver.lxcPath().resolve(d).resolve("config"))) {
                continue; // a directory without config: nothing liblxc could run
            }
            try {
                if (driver.state(d).active()) {
                    active.add(d);
                }
            } catch (RuntimeException | io.jlxd.daemon.instance.driver.DriverException e) {
                uncertain.add(d);
            }
        }
        Map<String, Set<String>> volumes = new TreeMap<>();
        Map<String, Set<String>> snapshotParents = new TreeMap<>();
        Map<String, Set<String>> volumeRows = new TreeMap<>();
        for (String pool : pools.table().names()) {
            pools.find(pool).ifPresent(d -> {
                volumes.put(pool, new TreeSet<>(visibleDirs(d.root().resolve(VolumeType.CONTAINER.dir()))));
                snapshotParents.put(pool, new TreeSet<>(visibleDirs(d.root().resolve(VolumeType.CONTAINER.snapshotDir()))));
            });
            Set<String> rows = new TreeSet<>();
            pools.volumes().list(pool, VolumeType.CONTAINER.apiName()).forEach(r -> rows.add(r.name()));
            volumeRows.put(pool, rows);
        }
        Set<String> bridges = new TreeSet<>();
        Map<String, Set<String>> ports = new TreeMap<>();
        for (String i : visibleDirs(Path.of("/sys/class/net"))) {
            if (Bridge.isBridge(i) && owner.equals(Bridge.owner(i))) {
                bridges.add(i);
                ports.put(i, new TreeSet<>(visibleDirs(Path.of("/sys/class/net", i, "brif"))));
            }
        }
        return new GcPlan.Observed(definitions, active, uncertain, driver.cgroupNames(), volumes, snapshotParents, volumeRows,
                bridges, ports, new TreeSet<>(visibleDirs(dataDir.resolve("networks"))), dnsmasqs(), poolMounts());
    }

    /** Mount points at or under {@code <datadir>/storage-pools/NAME}, by NAME (from this process's mount table). */
    private Map<String, Set<String>> poolMounts() {
        Path base = dataDir.resolve("storage-pools");
        Map<String, Set<String>> out = new TreeMap<>();
        for (Path m : mountPoints()) {
            if (m.startsWith(base) && m.getNameCount() > base.getNameCount()) {
                out.computeIfAbsent(m.getName(base.getNameCount()).toString(), k -> new TreeSet<>()).add(m.toString());
            }
        }
        return out;
    }

    /** Every mount point of this process's mount namespace ({@code /proc/self/mountinfo}, octal escapes decoded). */
    static List<Path> mountPoints() {
        List<Path> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length > 4) {
                    out.add(Path.of(unescape(f[4])));
                }
            }
        } catch (IOException e) {
            LOG.warning("garbage collection: cannot read the mount table: " + e.getMessage());
        }
        return out;
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** dnsmasq processes whose command line names {@code <datadir>/networks/NAME/}: pid → NAME. */
    private Map<Long, String> dnsmasqs() {
        Map<Long, String> out = new TreeMap<>();
        String prefix = dataDir.resolve("networks") + "/";
        for (String p : visibleDirs(Path.of("/proc"))) {
            if (!p.chars().allMatch(Character::isDigit)) {
                continue;
            }
            String cmd = cmdline(Long.parseLong(p));
            int i = cmd.indexOf(prefix);
            String argv0 = cmd.split(" ", 2)[0];
            if (i >= 0 && (argv0.equals("dnsmasq") || argv0.endsWith("/dnsmasq"))) {
                String rest = cmd.substring(i + prefix.length());
                int slash = rest.indexOf('/');
                if (slash > 0) {
                    out.put(Long.parseLong(p), rest.substring(0, slash));
                }
            }
        }
        return out;
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> visibleDirs(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || p.startsWith("/sys/class/net"))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    // ------------------------------------------------------------------ sweeping

    private void sweep(GcPlan.Garbage g) throws IOException, io.jlxd.daemon.instance.driver.DriverException {
        switch (g.kind()) {
            case CONTAINER -> {
                driver.stop(g.name(), true, Duration.ofSeconds(10));
                driver.delete(g.name());
            }
            case DNSMASQ -> {
                if (!cmdline(g.pid()).contains(dataDir.resolve("networks").resolve(g.name()) + "/")) {
                    return; // gone or another process by now
                }
                ProcessHandle.of(g.pid()).ifPresent(h -> {
                    h.destroy();
                    try {
                        h.onExit().get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        h.destroyForcibly();
                    }
                });
            }
            case VETH -> run("ip", "link", "delete", "dev", g.name());
            case MOUNT -> {
                // a parent's lazy unmount may have taken it along; the directory and its files stay
                if (mountPoints().contains(Path.of(g.name()))) {
                    run("umount", "--lazy", g.name());
                }
            }
            case BRIDGE -> {
                if (Nft.exists(g.name())) {
                    Nft.delete(g.name());
                }
                if (owner.equals(Bridge.owner(g.name()))) {
                    Bridge.delete(g.name());
                }
            }
            case NETWORK_FILES -> {
                Path dir = dataDir.resolve("networks").resolve(g.name());
                if (Files.exists(dir.resolve(io.jlxd.daemon.network.ManagedNetworks.CREATING_BRIDGE))
                        && Bridge.isBridge(g.name()) && Bridge.owner(g.name()).isEmpty()) {
                    Bridge.delete(g.name()); // made by an interrupted creation of this daemon, never marked
                }
                deleteTree(dir);
            }
            case DEFINITION -> {
                if (driver.exists(g.name())) {
                    driver.delete(g.name());
                } else {
                    deleteTree(driver.lxcPath().resolve(g.name()));
                }
            }
            case CGROUP -> {
                List<Path> left = driver.removeOwnCgroups(g.name());
                if (!left.isEmpty()) {
                    throw new IOException("cgroups still in use: " + left);
                }
            }
            case VOLUME -> pool(g).deleteVolume(VolumeType.CONTAINER, g.name());
            case SNAPSHOTS -> {
                PoolDriver d = pool(g);
                Path parent = d.root().resolve(VolumeType.CONTAINER.snapshotDir()).resolve(g.name());
                for (String s : visibleDirs(parent)) {
                    d.deleteSnapshot(VolumeType.CONTAINER, g.name(), s);
                }
                deleteTree(parent); // hidden leftovers are the driver's, removed at mount; the parent goes with them
            }
            case VOLUME_ROW -> pools.volumes().delete(g.where(), VolumeType.CONTAINER.apiName(), g.name());
        }
    }

    private PoolDriver pool(GcPlan.Garbage g) {
        return pools.find(g.where()).orElseThrow(() -> new IllegalStateException("pool " + g.where() + " is not mounted"));
    }

    private static void run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
