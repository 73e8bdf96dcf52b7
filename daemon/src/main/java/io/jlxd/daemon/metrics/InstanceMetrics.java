package io.jlxd.daemon.metrics;

import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.RuntimeState;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.DriverException;
import io.jlxd.daemon.metrics.PromWriter.Type;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-instance metrics under LXD's names ({@code lxd_cpu_seconds_total}, {@code lxd_memory_*_bytes},
 * {@code lxd_disk_*}, {@code lxd_filesystem_*}, {@code lxd_network_*}, {@code lxd_procs_total}; labels {@code name},
 * {@code project}, {@code type}) for running instances, read from the host side only: the cgroup files of the
 * container's init (v1 or v2, per controller), {@code /proc/<init>/net/dev} (the container's network namespace
 * seen from the host) and the root volume's file system. No process is started and nothing enters the container.
 * Plus what LXD lacks: {@code jlxd_instances} by status, stopped ones included.
 */
final class InstanceMetrics {
    private static final String[] MEMORY_V1 = {
        "Active_anon", "total_active_anon", "Inactive_anon", "total_inactive_anon", "Active_file", "total_active_file",
        "Inactive_file", "total_inactive_file", "Cached", "total_cache", "RSS", "total_rss", "Dirty", "total_dirty",
        "Mapped", "total_mapped_file", "Shmem", "total_shmem", "Unevictable", "total_unevictable",
        "Writeback", "total_writeback", "Swap", "total_swap"};
    private static final String[] MEMORY_V2 = {
        "Active_anon", "active_anon", "Inactive_anon", "inactive_anon", "Active_file", "active_file",
        "Inactive_file", "inactive_file", "Cached", "file", "RSS", "anon", "Dirty", "file_dirty",
        "Mapped", "file_mapped", "Shmem", "shmem", "Unevictable", "unevictable", "Writeback", "file_writeback"};

    private final InstanceManager instances;
    private final long hostMemory;

    InstanceMetrics(InstanceManager instances) {
        this.instances = instances;
        this.hostMemory = hostMemTotal();
    }

    void write(PromWriter w) {
        declare(w);
        Map<String, Integer> byStatus = new TreeMap<>(Map.of("running", 0, "stopped", 0, "frozen", 0, "error", 0));
        for (String name : instances.names()) {
            ContainerState cs = instances.containerState(name);
            byStatus.merge(InstanceManager.status(cs).text().toLowerCase(), 1, Integer::sum);
            if (cs == null || !cs.active()) {
                continue;
            }
            long pid;
            try {
                pid = instances.driver().initPid(name).orElse(-1);
            } catch (DriverException e) {
                continue; // stopped in the meantime
            }
            if (pid > 0) {
                instance(w, name, pid);
            }
        }
        byStatus.forEach((s, n) -> w.sample("jlxd_instances", n, List.of("status", s, "type", "container")));
    }

    private static void declare(PromWriter w) {
        w.family("lxd_cpu_seconds_total", Type.COUNTER, "The total number of CPU time used in seconds.");
        w.family("lxd_cpu_effective_total", Type.GAUGE, "The total number of effective CPUs.");
        for (String m : new String[] {"Active_anon", "Inactive_anon", "Active_file", "Inactive_file", "Active", "Inactive",
                "Cached", "RSS", "Dirty", "Mapped", "Shmem", "Unevictable", "Writeback", "Swap", "MemTotal", "MemFree",
                "MemAvailable"}) {
            w.family("lxd_memory_" + m + "_bytes", Type.GAUGE, "Memory: " + m + " in bytes.");
        }
        w.family("lxd_memory_OOM_kills_total", Type.COUNTER, "The number of out of memory kills.");
        w.family("lxd_disk_read_bytes_total", Type.COUNTER, "The total number of bytes read.");
        w.family("lxd_disk_reads_completed_total", Type.COUNTER, "The total number of completed reads.");
        w.family("lxd_disk_written_bytes_total", Type.COUNTER, "The total number of bytes written.");
        w.family("lxd_disk_writes_completed_total", Type.COUNTER, "The total number of completed writes.");
        w.family("lxd_filesystem_avail_bytes", Type.GAUGE, "The number of available space in bytes.");
        w.family("lxd_filesystem_free_bytes", Type.GAUGE, "The number of free space in bytes.");
        w.family("lxd_filesystem_size_bytes", Type.GAUGE, "The size of the filesystem in bytes.");
        for (String d : new String[] {"receive", "transmit"}) {
            w.family("lxd_network_" + d + "_bytes_total", Type.COUNTER, "The amount of " + d + "d bytes on a given interface.");
            w.family("lxd_network_" + d + "_packets_total", Type.COUNTER, "The amount of " + d + "d packets on a given interface.");
            w.family("lxd_network_" + d + "_errs_total", Type.COUNTER, "The amount of " + d + " errors on a given interface.");
            w.family("lxd_network_" + d + "_drop_total", Type.COUNTER, "The amount of " + d + " dropped packets on a given interface.");
        }
        w.family("lxd_procs_total", Type.GAUGE, "The number of running processes.");
        w.family("jlxd_instances", Type.GAUGE, "Instances by status (stopped ones included, unlike LXD's metrics).");
    }

    private void instance(PromWriter w, String name, long pid) {
        List<String> base = List.of("name", io.jlxd.daemon.project.ProjectKeys.name(name), "project",
                io.jlxd.daemon.project.ProjectKeys.project(name), "type", "container");
        RuntimeState rs = RuntimeState.of(instances.driver().cgroups(), pid);
        Path cpuacct = rs.v1("cpuacct");
        Path v2 = rs.unified();
        // cpu
        List<CgroupText.Cpu> cpus = cpuacct != null ? CgroupText.cpuacctUsageAll(read(cpuacct.resolve("cpuacct.usage_all")))
                : v2 != null ? CgroupText.cpuStatV2(read(v2.resolve("cpu.stat"))) : List.of();
        for (CgroupText.Cpu c : cpus) {
            w.sample("lxd_cpu_seconds_total", c.userNanos() / 1e9, with(base, "cpu", c.cpu(), "mode", "user"));
            w.sample("lxd_cpu_seconds_total", c.systemNanos() / 1e9, with(base, "cpu", c.cpu(), "mode", "system"));
        }
        Path cpuset = rs.v1("cpuset");
        String effective = cpuset != null ? read(cpuset.resolve("cpuset.effective_cpus"))
                : v2 != null ? read(v2.resolve("cpuset.cpus.effective")) : "";
        int n = countCpus(effective);
        w.sample("lxd_cpu_effective_total", n > 0 ? n : Runtime.getRuntime().availableProcessors(), base);
        // memory
        memory(w, base, rs);
        // processes
        long procs = rs.processes();
        w.sample("lxd_procs_total", procs, base);
        // block I/O
        Path blkio = rs.v1("blkio");
        Map<String, CgroupText.Io> io = blkio != null
                ? CgroupText.blkioV1(read(blkio.resolve("blkio.throttle.io_service_bytes_recursive")),
                        read(blkio.resolve("blkio.throttle.io_serviced_recursive")))
                : v2 != null ? CgroupText.ioStatV2(read(v2.resolve("io.stat"))) : Map.of();
        io.forEach((dev, v) -> {
            List<String> l = with(base, "device", deviceName(dev));
            w.sample("lxd_disk_read_bytes_total", v.readBytes(), l);
            w.sample("lxd_disk_reads_completed_total", v.reads(), l);
            w.sample("lxd_disk_written_bytes_total", v.writtenBytes(), l);
            w.sample("lxd_disk_writes_completed_total", v.writes(), l);
        });
        // root file system
        try {
            FileStore fs = Files.getFileStore(instances.storage().volume(name));
            List<String> l = with(base, "device", "root", "fstype", fs.type(), "mountpoint", "/");
            w.sample("lxd_filesystem_avail_bytes", fs.getUsableSpace(), l);
            w.sample("lxd_filesystem_free_bytes", fs.getUnallocatedSpace(), l);
            w.sample("lxd_filesystem_size_bytes", fs.getTotalSpace(), l);
        } catch (IOException | RuntimeException e) {
            // the volume is not reachable right now (being renamed or deleted): no sample
        }
        // network, from the container's namespace as the host sees it
        CgroupText.netDev(read(Path.of("/proc", Long.toString(pid), "net", "dev"))).forEach((dev, v) -> {
            List<String> l = with(base, "device", dev);
            w.sample("lxd_network_receive_bytes_total", v.rxBytes(), l);
            w.sample("lxd_network_receive_packets_total", v.rxPackets(), l);
            w.sample("lxd_network_receive_errs_total", v.rxErrs(), l);
            w.sample("lxd_network_receive_drop_total", v.rxDrop(), l);
            w.sample("lxd_network_transmit_bytes_total", v.txBytes(), l);
            w.sample("lxd_network_transmit_packets_total", v.txPackets(), l);
            w.sample("lxd_network_transmit_errs_total", v.txErrs(), l);
            w.sample("lxd_network_transmit_drop_total", v.txDrop(), l);
        });
    }

    private void memory(PromWriter w, List<String> base, RuntimeState rs) {
        Path v1 = rs.v1("memory");
        Path v2 = rs.unified();
        Map<String, Long> stat;
        String[] names;
        long limit;
        long oom;
        if (v1 != null) {
            stat = CgroupText.keyValues(read(v1.resolve("memory.stat")));
            names = MEMORY_V1;
            limit = stat.getOrDefault("hierarchical_memory_limit", Long.MAX_VALUE);
            oom = CgroupText.keyValues(read(v1.resolve("memory.oom_control"))).getOrDefault("oom_kill", 0L);
        } else if (v2 != null) {
            stat = new TreeMap<>(CgroupText.keyValues(read(v2.resolve("memory.stat"))));
            long swap = CgroupText.keyValues("swap " + read(v2.resolve("memory.swap.current")).strip()).getOrDefault("swap", 0L);
            stat.put("swap", swap);
            names = MEMORY_V2;
            String max = read(v2.resolve("memory.max")).strip();
            limit = max.matches("\\d+") ? Long.parseLong(max) : Long.MAX_VALUE;
            oom = CgroupText.keyValues(read(v2.resolve("memory.events"))).getOrDefault("oom_kill", 0L);
        } else {
            return;
        }
        for (int i = 0; i < names.length; i += 2) {
            w.sample("lxd_memory_" + names[i] + "_bytes", stat.getOrDefault(names[i + 1], 0L), base);
        }
        String prefix = v1 != null ? "total_" : "";
        w.sample("lxd_memory_Active_bytes", stat.getOrDefault(prefix + "active_anon", 0L) + stat.getOrDefault(prefix + "active_file", 0L), base);
        w.sample("lxd_memory_Inactive_bytes", stat.getOrDefault(prefix + "inactive_anon", 0L) + stat.getOrDefault(prefix + "inactive_file", 0L), base);
        if (v2 != null && v1 == null) {
            w.sample("lxd_memory_Swap_bytes", stat.getOrDefault("swap", 0L), base);
        }
        long total = Math.min(limit, hostMemory > 0 ? hostMemory : limit);
        long used = rs.memory();
        long cache = stat.getOrDefault(v1 != null ? "total_cache" : "file", 0L);
        w.sample("lxd_memory_MemTotal_bytes", total, base);
        w.sample("lxd_memory_MemFree_bytes", Math.max(0, total - used), base);
        w.sample("lxd_memory_MemAvailable_bytes", Math.max(0, Math.min(total, total - used + cache)), base);
        w.sample("lxd_memory_OOM_kills_total", oom, base);
    }

    /** "0-3,5" → 5. */
    static int countCpus(String list) {
        int n = 0;
        for (String part : list.strip().split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            String[] r = part.split("-");
            try {
                n += r.length == 2 ? Integer.parseInt(r[1]) - Integer.parseInt(r[0]) + 1 : 1;
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return n;
    }

    /** A block device's kernel name ("vda") from "MAJ:MIN", or "MAJ:MIN" when unknown. */
    static String deviceName(String majMin) {
        for (String line : read(Path.of("/sys/dev/block", majMin, "uevent")).split("\n")) {
            if (line.startsWith("DEVNAME=")) {
                return line.substring(8).strip();
            }
        }
        return majMin;
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> l = new ArrayList<>(base);
        l.addAll(List.of(more));
        return l;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static long hostMemTotal() {
        for (String line : read(Path.of("/proc/meminfo")).split("\n")) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        return 0;
    }
}
