package io.jlxd.daemon.instance;

import io.jlxd.api.config.Sizes;
import io.jlxd.daemon.instance.driver.ContainerSpec;
import io.jlxd.daemon.instance.driver.IdMap;
import io.jlxd.daemon.instance.driver.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns an instance's expanded config into the driver's {@link ContainerSpec}. */
public final class SpecFactory {
    public static final long IDMAP_BASE = 1_000_000;
    public static final long IDMAP_SIZE = 65_536;

    private SpecFactory() {
    }

    /** The id map of an instance, or null for a privileged one. */
    public static IdMap idmap(Map<String, String> expanded, Map<String, String> volatileConfig) {
        if ("true".equals(expanded.get("security.privileged"))) {
            return null;
        }
        long base = Long.parseLong(volatileConfig.getOrDefault("volatile.idmap.base", Long.toString(IDMAP_BASE)));
        return new IdMap(base, IDMAP_SIZE);
    }

    /** @throws IllegalArgumentException when a value cannot be applied on this host (message for a 400) */
    public static ContainerSpec build(String name, Path rootfs, Map<String, String> expanded, IdMap idmap) {
        return build(name, rootfs, expanded, idmap, List.of());
    }

    /** With extra LXC lines ({@code key = value}) of the daemon's own, e.g. disk mounts, placed before raw.lxc. */
    public static ContainerSpec build(String name, Path rootfs, Map<String, String> expanded, IdMap idmap, List<String> daemonLxc) {
        return build(name, rootfs, expanded, idmap, daemonLxc, List.of());
    }

    /** With NICs (the instance's {@code nic} devices, resolved). */
    public static ContainerSpec build(String name, Path rootfs, Map<String, String> expanded, IdMap idmap, List<String> daemonLxc,
                                      List<io.jlxd.daemon.instance.driver.NicSpec> nics) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> raw = new ArrayList<>(daemonLxc);
        expanded.forEach((k, v) -> {
            if (k.startsWith("environment.")) {
                env.put(k.substring("environment.".length()), v);
            }
        });
        String rawLxc = expanded.getOrDefault("raw.lxc", "");
        for (String line : rawLxc.split("\n")) {
            if (!line.isBlank() && !line.trim().startsWith("#")) {
                raw.add(line.trim());
            }
        }
        return ContainerSpec.builder(name, rootfs).hostname(io.jlxd.daemon.project.ProjectKeys.name(name)).idmap(idmap).haltSignal(haltSignal(rootfs))
                .environment(env).limits(limits(expanded)).rawLxc(raw)
                .nesting("true".equals(expanded.get("security.nesting"))).console(console(expanded)).nics(nics).build();
    }

    /** {@code migration.stateful=false} gives a console pty (default true: checkpointable, no console). */
    public static boolean console(Map<String, String> expanded) {
        return "false".equals(expanded.get("migration.stateful"));
    }

    public static Limits limits(Map<String, String> c) {
        Limits l = Limits.NONE;
        String cpu = c.getOrDefault("limits.cpu", "");
        if (!cpu.isEmpty()) {
            l = l.withCpuSet(cpuSet(cpu));
        }
        String mem = c.getOrDefault("limits.memory", "");
        if (!mem.isEmpty()) {
            long v = Sizes.parseMemory(mem);
            l = l.withMemoryBytes(v >= 0 ? v : hostMemory() * -v / 10_000);
        }
        String procs = c.getOrDefault("limits.processes", "");
        if (!procs.isEmpty()) {
            l = l.withProcesses(Long.parseLong(procs));
        }
        return l;
    }

    /** limits.cpu: a count N gives CPUs 0..N-1 (capped at the host's), a set is kept as is. */
    static String cpuSet(String value) {
        if (value.contains("-") || value.contains(",")) {
            return value;
        }
        int n = Integer.parseInt(value);
        int host = Runtime.getRuntime().availableProcessors();
        n = Math.max(1, Math.min(n, host));
        return n == 1 ? "0" : "0-" + (n - 1);
    }

    /** busybox init halts on SIGUSR1 (SIGTERM reboots it), systemd on SIGRTMIN+3, others on SIGPWR. */
    public static String haltSignal(Path rootfs) {
        Path init = rootfs.resolve("sbin/init");
        try {
            String target = Files.isSymbolicLink(init) ? Files.readSymbolicLink(init).toString() : "";
            if (target.contains("busybox")) {
                return ContainerSpec.HALT_BUSYBOX;
            }
            if (target.contains("systemd")) {
                return ContainerSpec.HALT_SYSTEMD;
            }
            if (Files.isRegularFile(init) && Files.size(init) > 0 && Files.exists(rootfs.resolve("bin/busybox"))
                    && Files.isSameFile(init, rootfs.resolve("bin/busybox"))) {
                return ContainerSpec.HALT_BUSYBOX;
            }
        } catch (IOException e) {
            // fall through to the default
        }
        return ContainerSpec.HALT_SYSVINIT;
    }

    private static long hostMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            // unknown
        }
        throw new IllegalArgumentException("cannot read the host's memory size for a percentage limit");
    }
}
