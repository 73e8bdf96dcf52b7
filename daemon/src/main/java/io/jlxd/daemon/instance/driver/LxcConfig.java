package io.jlxd.daemon.instance.driver;

import io.jlxd.daemon.instance.driver.CgroupLayout.Hierarchy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Generates the LXC config of a container from a {@link ContainerSpec}. Pure logic: the host facts it needs come
 * in through {@link Context}. The result is the whole config file (no {@code lxc.include}), rewritten by the
 * driver before every start.
 *
 * <p>What it settles on, and why (measured on this host kind, see host-notes.md):
 * <ul>
 *   <li>{@code lxc.mount.auto = proc:mixed sys:mixed cgroup:mixed}, {@code lxc.autodev = 1}: boots busybox and
 *       systemd, privileged and unprivileged. On a hybrid host liblxc does not mount anything on
 *       {@code /sys/fs/cgroup} for {@code cgroup:mixed} when the container has its own cgroup namespace and keeps
 *       CAP_SYS_ADMIN ("Mounting cgroups not requested or needed"): systemd mounts its own, a busybox init sees an
 *       empty directory (it can {@code mount -t cgroup -o pids none /mnt} itself). On a cgroup2-only host liblxc
 *       always mounts cgroup2.</li>
 *   <li>{@code lxc.console.path = none}, {@code lxc.tty.max = 0}: no console pty owned by the monitor, which CRIU
 *       cannot restore. Exec uses its own ptys ({@code lxc.pty.max = 1024}). A container with
 *       {@link ContainerSpec#console()} (instance key {@code migration.stateful=false}) keeps liblxc's default
 *       console pty instead, logged to {@code console.log} next to {@code lxc.log} ({@value #CONSOLE_LOG_SIZE}
 *       at most, then truncated) and reached with {@code console_getfd}.</li>
 *   <li>No {@code lxc.apparmor.*} key at all: any of them breaks CRIU restore on a kernel without AppArmor.</li>
 *   <li>NICs as {@code lxc.net.N.type = veth} (liblxc makes the pair at start, the host end joins the bridge; liblxc's
 *       CRIU support accepts veths, not {@code phys}); {@code lxc.net.0.type = empty} (loopback only) without any.</li>
 *   <li>Limits through {@code lxc.cgroup.*} (v1 file names) or {@code lxc.cgroup2.*} (v2 file names), chosen per
 *       controller from {@link CgroupLayout}; a limit whose controller is missing is an error, not a silent
 *       no-op.</li>
 *   <li>Privileged containers get what lxc's {@code common.conf} gives them (capability drops, device cgroup
 *       allow-list); unprivileged ones what {@code userns.conf} leaves (neither: the user namespace confines
 *       them). Both get lxc's default seccomp deny-list ({@link #SECCOMP_POLICY}).</li>
 *   <li>Logging to {@code <container dir>/lxc.log} at {@link Context#logLevel()} (WARN by default): liblxc's
 *       start failures land there as ERROR lines.</li>
 * </ul>
 */
public final class LxcConfig {
    /** raw.lxc keys that are refused (prefix match), each for a reason given in {@link #validateRaw}. */
    public static final List<String> FORBIDDEN_RAW_PREFIXES = List.of(
            "lxc.apparmor.", "lxc.rootfs.", "lxc.log.", "lxc.idmap", "lxc.include", "lxc.console.", "lxc.tty.max", "lxc.net.");

    /** lxc's own {@code common.seccomp}: deny kernel-module and kexec calls and {@code umount -f}. */
    public static final String SECCOMP_POLICY = """
            2
            denylist
            reject_force_umount
            [all]
            kexec_load errno 1
            open_by_handle_at errno 1
            init_module errno 1
            finit_module errno 1
            delete_module errno 1
            """;

    /** Capabilities dropped from privileged containers (lxc's common.conf). */
    static final String PRIVILEGED_CAP_DROP = "mac_admin mac_override sys_time sys_module sys_rawio";

    /** Device nodes a privileged container may use (lxc's common.conf); mknod of any node is allowed. */
    static final List<String> PRIVILEGED_DEVICES = List.of(
            "c *:* m", "b *:* m",
            "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", // null zero full random urandom
            "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", // tty console ptmx
            "c 136:* rwm", // pts
            "c 10:229 rwm"); // fuse

    /**
     * Host facts and paths the config needs.
     *
     * @param containerDir {@code <lxcpath>/<name>}: lxc.log and the seccomp policy live there
     * @param cgroups      the host's cgroup layout
     * @param logLevel     liblxc log level (TRACE, DEBUG, INFO, NOTICE, WARN, ERROR)
     * @param seccomp      whether to reference {@code <containerDir>/seccomp} (the driver writes {@link #SECCOMP_POLICY} there)
     * @param cgroupDirs   the daemon's cgroup names ({@code lxc.cgroup.dir.container/monitor}), or {@code null} for
     *                     liblxc's host-global {@code lxc.payload.NAME}
     */
    public record Context(Path containerDir, CgroupLayout cgroups, String logLevel, boolean seccomp, CgroupDirs cgroupDirs) {
        public Context {
            Objects.requireNonNull(containerDir, "containerDir");
            Objects.requireNonNull(cgroups, "cgroups");
            logLevel = logLevel == null ? "WARN" : logLevel;
            if (!List.of("TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "ERROR").contains(logLevel)) {
                throw new IllegalArgumentException("invalid log level: " + logLevel);
            }
        }

        public Context(Path containerDir, CgroupLayout cgroups, String logLevel, boolean seccomp) {
            this(containerDir, cgroups, logLevel, seccomp, null);
        }

        public Context(Path containerDir, CgroupLayout cgroups) {
            this(containerDir, cgroups, "WARN", true);
        }

        public Path logFile() {
            return containerDir.resolve("lxc.log");
        }

        public Path seccompFile() {
            return containerDir.resolve("seccomp");
        }
    }

    /** The console log's name in the container's directory. */
    public static final String CONSOLE_LOG = "console.log";
    static final String CONSOLE_LOG_SIZE = "1MB";

    /** One {@code key = value} line. */
    public record Entry(String key, String value) {
        @Override
        public String toString() {
            return key + " = " + value;
        }
    }

    private final String name;
    private final List<Entry> entries;

    private LxcConfig(String name, List<Entry> entries) {
        this.name = name;
        this.entries = List.copyOf(entries);
    }

    /** The config of {@code spec} on a host described by {@code context}. */
    public static LxcConfig generate(ContainerSpec spec, Context context) {
        List<Entry> e = new ArrayList<>();
        CgroupLayout cg = context.cgroups();
        add(e, "lxc.uts.name", spec.hostname());
        add(e, "lxc.rootfs.path", "dir:" + spec.rootfs());
        add(e, "lxc.init.cmd", String.join(" ", spec.init()));
        add(e, "lxc.signal.halt", spec.haltSignal());
        add(e, "lxc.mount.auto", "proc:mixed sys:mixed cgroup:mixed");
        add(e, "lxc.autodev", "1");
        if (context.cgroupDirs() != null) {
            add(e, "lxc.cgroup.dir.container", context.cgroupDirs().container(spec.name()));
            add(e, "lxc.cgroup.dir.monitor", context.cgroupDirs().monitor(spec.name()));
        }
        if (spec.console()) {
            add(e, "lxc.console.logfile", context.logFile().resolveSibling(CONSOLE_LOG).toString());
            add(e, "lxc.console.size", CONSOLE_LOG_SIZE);
        } else {
            add(e, "lxc.console.path", "none");
        }
        add(e, "lxc.tty.max", "0");
        add(e, "lxc.pty.max", "1024");
        nics(e, spec.nics());
        add(e, "lxc.log.file", context.logFile().toString());
        add(e, "lxc.log.level", context.logLevel());
        if (context.seccomp()) {
            add(e, "lxc.seccomp.profile", context.seccompFile().toString());
        }
        if (spec.privileged()) {
            add(e, "lxc.cap.drop", PRIVILEGED_CAP_DROP);
            String devices = switch (cg.of("devices")) {
                case V1 -> "lxc.cgroup.devices.";
                case V2 -> "lxc.cgroup2.devices.";
                case NONE -> null;
            };
            if (devices != null) {
                add(e, devices + "deny", "a");
                for (String rule : PRIVILEGED_DEVICES) {
                    add(e, devices + "allow", rule);
                }
            }
        } else {
            IdMap m = spec.idmap();
            add(e, "lxc.idmap", "u 0 " + m.base() + " " + m.size());
            add(e, "lxc.idmap", "g 0 " + m.base() + " " + m.size());
        }
        spec.environment().forEach((k, v) -> add(e, "lxc.environment", k + "=" + v));
        limits(e, spec.limits(), cg);
        if (spec.nesting()) {
            // lxc's nesting.conf without its AppArmor profile: unmasked proc and sys for a nested LXC
            add(e, "lxc.mount.entry", "proc dev/.lxc/proc proc create=dir,optional 0 0");
            add(e, "lxc.mount.entry", "sys dev/.lxc/sys sysfs create=dir,optional 0 0");
        }
        e.addAll(validateRaw(spec.rawLxc()));
        return new LxcConfig(spec.name(), e);
    }

    /** {@code lxc.net.N.*} of veth NICs, or one {@code empty} network. */
    private static void nics(List<Entry> e, List<NicSpec> nics) {
        if (nics.isEmpty()) {
            add(e, "lxc.net.0.type", "empty");
            return;
        }
        for (int i = 0; i < nics.size(); i++) {
            NicSpec n = nics.get(i);
            String p = "lxc.net." + i + ".";
            add(e, p + "type", "veth");
            add(e, p + "link", n.bridge());
            add(e, p + "veth.pair", n.hostName());
            add(e, p + "name", n.name());
            add(e, p + "hwaddr", n.hwaddr());
            if (n.mtu() > 0) {
                add(e, p + "mtu", Integer.toString(n.mtu()));
            }
            add(e, p + "flags", "up");
        }
    }

    /** The NICs of a config written by {@link #render} ({@code lxc.net.N.*} lines of type veth), in order. */
    static List<NicSpec> nicsOf(List<String> lines) {
        java.util.TreeMap<Integer, java.util.Map<String, String>> byIndex = new java.util.TreeMap<>();
        for (String line : lines) {
            String l = line.strip();
            if (!l.startsWith("lxc.net.")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String[] k = l.substring(0, eq).strip().split("\\.", 4);
            if (k.length < 4 || !k[2].matches("\\d+")) {
                continue;
            }
            byIndex.computeIfAbsent(Integer.parseInt(k[2]), x -> new java.util.HashMap<>()).put(k[3], l.substring(eq + 1).strip());
        }
        List<NicSpec> out = new ArrayList<>();
        for (java.util.Map<String, String> m : byIndex.values()) {
            if ("veth".equals(m.get("type")) && m.get("veth.pair") != null && m.get("link") != null && m.get("name") != null
                    && m.get("hwaddr") != null) {
                out.add(new NicSpec(m.get("name"), m.get("veth.pair"), m.get("link"), m.get("hwaddr"),
                        Integer.parseInt(m.getOrDefault("mtu", "0"))));
            }
        }
        return out;
    }

    private static void limits(List<Entry> e, Limits limits, CgroupLayout cg) {
        if (limits.cpuSet() != null) {
            add(e, key(cg, "cpuset", "cpuset.cpus", "cpuset.cpus"), limits.cpuSet());
        }
        if (limits.cpuQuota() != null) {
            Limits.CpuQuota q = limits.cpuQuota();
            if (require(cg, "cpu") == Hierarchy.V1) {
                add(e, "lxc.cgroup.cpu.cfs_period_us", Long.toString(q.periodMicros()));
                add(e, "lxc.cgroup.cpu.cfs_quota_us", Long.toString(q.quotaMicros()));
            } else {
                add(e, "lxc.cgroup2.cpu.max", q.quotaMicros() + " " + q.periodMicros());
            }
        }
        if (limits.memoryBytes() != null) {
            add(e, key(cg, "memory", "memory.limit_in_bytes", "memory.max"), limits.memoryBytes().toString());
        }
        if (limits.processes() != null) {
            add(e, key(cg, "pids", "pids.max", "pids.max"), limits.processes().toString());
        }
    }

    private static String key(CgroupLayout cg, String controller, String v1File, String v2File) {
        return require(cg, controller) == Hierarchy.V1 ? "lxc.cgroup." + v1File : "lxc.cgroup2." + v2File;
    }

    private static Hierarchy require(CgroupLayout cg, String controller) {
        Hierarchy h = cg.of(controller);
        if (h == Hierarchy.NONE) {
            throw new IllegalArgumentException("the " + controller + " cgroup controller is not available on this host");
        }
        return h;
    }

    /**
     * Parses raw.lxc lines ({@code key = value}, blank lines and {@code #} comments skipped) and refuses
     * {@link #FORBIDDEN_RAW_PREFIXES}: {@code lxc.apparmor.*} breaks CRIU restore here; the rootfs, idmap and log
     * are the daemon's; {@code lxc.include} would pull in unreviewed config; a console pty
     * ({@code lxc.console.path}, {@code lxc.tty.max}) makes a container impossible to restore; NICs ({@code lxc.net.*})
     * are the daemon's ({@code nic} devices), whose CRIU restore and hot-plug depend on knowing them all.
     */
    static List<Entry> validateRaw(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        for (String raw : lines) {
            for (String line : raw.split("\n", -1)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int eq = l.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("raw.lxc line is not 'key = value': " + l);
                }
                String key = l.substring(0, eq).strip();
                String value = l.substring(eq + 1).strip();
                if (!key.startsWith("lxc.") || key.chars().anyMatch(Character::isWhitespace)) {
                    throw new IllegalArgumentException("raw.lxc key must be an lxc.* key: " + key);
                }
                for (String forbidden : FORBIDDEN_RAW_PREFIXES) {
                    if (key.startsWith(forbidden)) {
                        throw new IllegalArgumentException("raw.lxc may not set " + key);
                    }
                }
                requireValue(key, value);
                out.add(new Entry(key, value));
            }
        }
        return out;
    }

    /** Refuses values that cannot be written as one config line. */
    static void requireValue(String key, String value) {
        Objects.requireNonNull(value, key);
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(key + " may not contain line breaks or NUL");
        }
    }

    private static void add(List<Entry> e, String key, String value) {
        requireValue(key, value);
        e.add(new Entry(key, value));
    }

    public List<Entry> entries() {
        return entries;
    }

    /** All values of {@code key}, in order. */
    public List<String> values(String key) {
        return entries.stream().filter(x -> x.key().equals(key)).map(Entry::value).toList();
    }

    /** The last value of {@code key} (the one liblxc keeps for single-valued keys), or null. */
    public String value(String key) {
        List<String> v = values(key);
        return v.isEmpty() ? null : v.getLast();
    }

    /** The config file text. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Generated by jlxd for ").append(name).append("; rewritten before every start, do not edit.\n");
        for (Entry x : entries) {
            sb.append(x).append('\n');
        }
        return sb.toString();
    }
}
