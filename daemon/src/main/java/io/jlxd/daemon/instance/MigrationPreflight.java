package io.jlxd.daemon.instance;

import io.jlxd.api.StatusCode;
import io.jlxd.api.host.Tool;
import io.jlxd.api.instance.InstanceCheckpoint;
import io.jlxd.api.instance.InstanceCheckpoint.Blocker;
import io.jlxd.api.instance.InstanceMigrationCheck;
import io.jlxd.api.instance.InstanceState;
import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.LxcContainerDriver;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.snapshots.Criu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * The pre-flight of a move ({@code GET /1.0/instances/{name}/migration}), made on the source before anything is
 * frozen: what blocks a live (CRIU) move, what to know, and what would move and for how long the instance would be
 * frozen. The blockers are the checkpoint's ({@link CheckpointCheck}: CRIU, console, systemd sandboxing, nested
 * user namespaces) plus what only a move has: exec sessions (their stdio are pipes to this daemon) and sockets CRIU
 * cannot dump (raw ICMPv6, SCTP); disks and proxies that stay tied to this host are noted. Read-only.
 */
public final class MigrationPreflight {
    /**
     * Freeze of an idle live move between two jlxd daemons on this host kind (bench/migration.sh after the final pass
     * overlapped the dump and the state went as a stream: liblxc's CRIU dump ~1.2 s and restore ~1.1 s make most of
     * it; raw CRIU with a page server: 0.44-0.98 s).
     */
    static final long BASE_FREEZE_MS = 2500;
    /** Extra freeze per MiB of dirty memory (dumped, streamed and restored while frozen; bench: 500 MiB dirty). */
    static final double FREEZE_MS_PER_MIB = 20;
    /** Out of service in a near-live move: a clean stop (a busybox or systemd container: ~0.2 s), the last pass, a boot. */
    static final long NEAR_LIVE_BASE_MS = 1500;
    static final String BASIS = "this daemon's live moves on this host kind (bench/migration.sh): ~2.5 s idle plus ~20 ms per"
            + " MiB of dirty memory, all of it moved while frozen (no memory pre-copy here)";
    /** Most container processes looked at for sockets (bounds the work on a busy container). */
    static final int MAX_PROCESSES = 4096;

    private final InstanceManager instances;
    private final Operations operations;
    private final Function<String, String> poolOf;
    private final Function<String, String> poolDriver;
    private final ToIntFunction<String> snapshotCount;
    private final Supplier<Optional<String>> criuVersion;
    private final Supplier<Boolean> memoryTracking;

    public MigrationPreflight(InstanceManager instances, Operations operations, Function<String, String> poolOf,
            Function<String, String> poolDriver, ToIntFunction<String> snapshotCount) {
        this(instances, operations, poolOf, poolDriver, snapshotCount, CheckpointCheck.cached(Criu::version, 30_000_000_000L),
                once(() -> Tool.output("criu", "check", "--feature", "mem_dirty_track").isPresent()));
    }

    MigrationPreflight(InstanceManager instances, Operations operations, Function<String, String> poolOf,
            Function<String, String> poolDriver, ToIntFunction<String> snapshotCount, Supplier<Optional<String>> criuVersion,
            Supplier<Boolean> memoryTracking) {
        this.instances = instances;
        this.operations = operations;
        this.poolOf = poolOf;
        this.poolDriver = poolDriver;
        this.snapshotCount = snapshotCount;
        this.criuVersion = criuVersion;
        this.memoryTracking = memoryTracking;
    }

    /** A value computed on first use (the kernel's features do not change under a running daemon). */
    static <T> Supplier<T> once(Supplier<T> source) {
        Object[] memo = {null};
        return () -> {
            synchronized (memo) {
                if (memo[0] == null) {
                    memo[0] = source.get();
                }
                @SuppressWarnings("unchecked")
                T v = (T) memo[0];
                return v;
            }
        };
    }

    public InstanceMigrationCheck check(String name) throws Exception {
        InstanceTable.Row r = instances.row(name);
        ContainerState cs = instances.containerState(name);
        StatusCode st = InstanceManager.status(cs);
        boolean running = cs == ContainerState.RUNNING;
        List<Blocker> blockers = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, Map<String, String>> devices = Expand.devices(instances.profileRows(r.profiles()), r.devices());
        int exec = 0;
        long memory = 0;
        int processes = 0;
        if (running) {
            InstanceCheckpoint cp = instances.checkpoint(name, false);
            blockers.addAll(cp.blockers());
            exec = execSessions(name);
            if (exec > 0) {
                blockers.add(new Blocker(exec + (exec == 1 ? " exec session is open: its standard streams are"
                        : " exec sessions are open: their standard streams are") + " pipes to this daemon, which CRIU cannot move",
                        "Wait for them to end (jlxc operation list) or end them"));
            }
            InstanceState state = instances.state(name);
            processes = (int) Math.min(Integer.MAX_VALUE, state.processes());
            long pid = state.pid();
            memory = dumpedMemory(instances.driver(), name).orElse(state.memory() == null ? 0 : state.memory().usage());
            if (pid > 0) {
                blockers.addAll(sockets(instances.driver(), name, pid));
            }
        }
        for (Map.Entry<String, Map<String, String>> d : new java.util.TreeMap<>(devices).entrySet()) {
            String type = d.getValue().getOrDefault("type", "");
            if (type.equals("disk") && !"/".equals(d.getValue().get("path"))) {
                String source = d.getValue().getOrDefault("source", "");
                if (d.getValue().containsKey("pool") && !source.isEmpty()) {
                    notes.add("disk \"" + d.getKey() + "\" is custom volume \"" + source + "\" of pool \""
                            + d.getValue().get("pool") + "\": it does not move with the instance; the target needs a volume of that name");
                } else if (source.startsWith("/")) {
                    notes.add("disk \"" + d.getKey() + "\" bind-mounts host path " + source + ", which must exist on the target");
                }
            } else if (type.equals("proxy")) {
                notes.add("proxy \"" + d.getKey() + "\" listens on this host (" + d.getValue().getOrDefault("listen", "")
                        + "); after the move it listens on the target's, and connections open through it are cut");
            }
        }
        boolean tracking = memoryTracking.get();
        if (running && !tracking) {
            notes.add("this kernel has no soft-dirty memory tracking: no memory pre-copy, all memory moves while frozen");
        }
        String pool = poolOf.apply(name);
        String driver = safe(() -> poolDriver.apply(pool));
        long rootfs = safeLong(() -> {
            long used = instances.storage().usage(name);
            return used > 0 ? used : treeBytes(instances.storage().volume(name));
        });
        long downtime = running ? estimateDowntime(memory) : -1;
        return new InstanceMigrationCheck(st.text(), running && blockers.isEmpty(), blockers, notes,
                criuVersion.get().orElse(""), running && tracking, pool, driver, snapshotCount.applyAsInt(name), exec,
                new InstanceMigrationCheck.Estimate(rootfs, memory, processes, downtime, running ? BASIS : ""));
    }

    /**
     * Bytes of the regular files under {@code dir}, symlinks not followed: what a file-by-file transfer sends, for pools
     * that keep no usage figure (dir without a quota).
     */
    static long treeBytes(Path dir) throws IOException {
        long[] sum = {0};
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
                if (a.isRegularFile()) {
                    sum[0] += a.size();
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        return sum[0];
    }

    /** Expected freeze of a live move with {@code memoryBytes} to dump. */
    static long estimateDowntime(long memoryBytes) {
        return BASE_FREEZE_MS + Math.round(memoryBytes / (1024.0 * 1024.0) * FREEZE_MS_PER_MIB);
    }

    /** Expected freeze of a live move of the running {@code name} (its cgroup's dumpable memory). */
    public static long expectedLiveDowntime(InstanceManager instances, String name) {
        return estimateDowntime(dumpedMemory(instances.driver(), name).orElse(0L));
    }

    /** Expected time out of service of a near-live move (stop, last file system pass, boot on the target). */
    public static long expectedNearLiveDowntime() {
        return NEAR_LIVE_BASE_MS;
    }

    /** Running exec operations on the instance. */
    private int execSessions(String name) {
        String url = InstanceManager.url(name);
        int n = 0;
        for (var op : operations.all()) {
            var v = op.view();
            if (v.statusCode() < 200 && "Executing command".equals(v.description()) && v.resources() != null
                    && v.resources().getOrDefault("instances", List.of()).contains(url)) {
                n++;
            }
        }
        return n;
    }

    /**
     * What CRIU would dump of the instance's memory: {@code anon + shmem} of its cgroup2 {@code memory.stat}
     * (file-backed clean pages are not dumped); empty when the cgroup cannot be read.
     */
    static Optional<Long> dumpedMemory(LxcContainerDriver driver, String name) {
        try {
            Path v2 = driver.cgroups().v2Root();
            if (v2 == null) {
                return Optional.empty();
            }
            Path stat = v2.resolve(driver.cgroupDirs().container(name)).resolve("memory.stat");
            return memoryStat(Files.readAllLines(stat));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<Long> memoryStat(List<String> lines) {
        long anon = -1;
        long shmem = 0;
        for (String l : lines) {
            String[] f = l.trim().split("\\s+");
            if (f.length == 2 && f[0].equals("anon")) {
                anon = Long.parseLong(f[1]);
            } else if (f.length == 2 && f[0].equals("shmem")) {
                shmem = Long.parseLong(f[1]);
            }
        }
        return anon < 0 ? Optional.empty() : Optional.of(anon + shmem);
    }

    /**
     * Sockets of the instance's processes that CRIU cannot dump: raw ICMPv6 (protocol 58: "Unsupported proto 58")
     * and SCTP. The socket inodes of every process in the instance's cgroup are matched with the tables of its network
     * namespace ({@code /proc/INIT/net/raw6}, {@code .../sctp/eps}, {@code .../sctp/assocs}).
     */
    static List<Blocker> sockets(LxcContainerDriver driver, String name, long initPid) {
        Set<String> icmp6 = new HashSet<>();
        Set<String> sctp = new HashSet<>();
        Path net = Path.of("/proc", Long.toString(initPid), "net");
        for (String l : lines(net.resolve("raw6"))) {
            String[] f = l.trim().split("\\s+");
            // sl local_address(addr:proto) remote_address st tx:rx tr:when retrnsmt uid timeout inode ...
            if (f.length > 9 && f[1].contains(":") && f[1].substring(f[1].lastIndexOf(':') + 1).equalsIgnoreCase("003A")) {
                icmp6.add(f[9]);
            }
        }
        for (String table : List.of("sctp/eps", "sctp/assocs")) {
            List<String> ls = lines(net.resolve(table));
            if (ls.isEmpty()) {
                continue;
            }
            int col = List.of(ls.getFirst().trim().split("\\s+")).indexOf("INODE");
            for (String l : ls.subList(1, ls.size())) {
                String[] f = l.trim().split("\\s+");
                if (col >= 0 && col < f.length) {
                    sctp.add(f[col]);
                }
            }
        }
        if (icmp6.isEmpty() && sctp.isEmpty()) {
            return List.of();
        }
        List<Blocker> out = new ArrayList<>();
        for (long pid : processes(driver, name)) {
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                for (Path fd : fds.toList()) {
                    String link;
                    try {
                        link = Files.readSymbolicLink(fd).toString();
                    } catch (IOException e) {
                        continue;
                    }
                    if (!link.startsWith("socket:[")) {
                        continue;
                    }
                    String inode = link.substring(8, link.length() - 1);
                    String kind = icmp6.contains(inode) ? "a raw ICMPv6 socket" : sctp.contains(inode) ? "an SCTP socket" : null;
                    if (kind != null) {
                        out.add(new Blocker("process " + pid + " (" + comm(pid) + ") has " + kind + ", which CRIU cannot dump",
                                "End that process (or its socket) for the move"));
                        break;
                    }
                }
            } catch (IOException e) {
                // the process ended meanwhile
            }
        }
        return out;
    }

    /** The pids of the instance's cgroup (every hierarchy's view is the same; the pids or unified one is read). */
    private static List<Long> processes(LxcContainerDriver driver, String name) {
        List<Long> pids = new ArrayList<>();
        try {
            Path base = driver.cgroups().v1().getOrDefault("pids", driver.cgroups().v2Root());
            if (base == null) {
                return pids;
            }
            try (Stream<Path> s = Files.walk(base.resolve(driver.cgroupDirs().container(name)))) {
                for (Path procs : s.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
                    for (String l : lines(procs)) {
                        if (!l.isBlank() && pids.size() < MAX_PROCESSES) {
                            pids.add(Long.parseLong(l.strip()));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // a container that stopped meanwhile has no processes
        }
        return pids;
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private interface IoLong {
        long get() throws IOException;
    }

    private static long safeLong(IoLong s) {
        try {
            return Math.max(0, s.get());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String safe(Supplier<String> s) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            return "";
        }
    }
}
