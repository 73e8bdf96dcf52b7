package io.jlxd.daemon.instance.driver;

import io.jlxd.daemon.instance.driver.CgroupLayout.Hierarchy;
import java.util.ArrayList;
import java.util.List;

/**
 * The cgroup file writes that apply {@link Limits} to a running container, per controller on the hierarchy it lives
 * on ({@link CgroupLayout}): v1 {@code memory.limit_in_bytes}, {@code pids.max}, {@code cpu.cfs_period_us} +
 * {@code cpu.cfs_quota_us}, {@code cpuset.cpus}; v2 {@code memory.max}, {@code pids.max}, {@code cpu.max},
 * {@code cpuset.cpus}. An unset memory or process limit is lifted (unlimited); an unset CPU quota or set is left as
 * it is (no config key sets a quota yet, so a raw.lxc one stays; the CPU set is the next start's).
 * Pure: the writing is {@code RuntimeState}'s.
 */
public final class CgroupWrites {
    /** One file write: {@code <the container's cgroup of controller on hierarchy>/<file> = value}. */
    public record Write(String controller, Hierarchy hierarchy, String file, String value) {
    }

    private CgroupWrites() {
    }

    /** The writes for {@code limits}; controllers that do not exist on the host are refused by LxcConfig at define. */
    public static List<Write> of(Limits limits, CgroupLayout layout) {
        List<Write> out = new ArrayList<>();
        Hierarchy mem = layout.of("memory");
        if (mem != Hierarchy.NONE) {
            String v = limits.memoryBytes() == null ? (mem == Hierarchy.V1 ? "-1" : "max") : limits.memoryBytes().toString();
            out.add(new Write("memory", mem, mem == Hierarchy.V1 ? "memory.limit_in_bytes" : "memory.max", v));
        }
        Hierarchy pids = layout.of("pids");
        if (pids != Hierarchy.NONE) {
            out.add(new Write("pids", pids, "pids.max", limits.processes() == null ? "max" : limits.processes().toString()));
        }
        Hierarchy cpu = layout.of("cpu");
        Limits.CpuQuota q = limits.cpuQuota();
        if (q != null && cpu == Hierarchy.V1) {
            out.add(new Write("cpu", cpu, "cpu.cfs_period_us", Long.toString(q.periodMicros())));
            out.add(new Write("cpu", cpu, "cpu.cfs_quota_us", Long.toString(q.quotaMicros())));
        } else if (q != null && cpu == Hierarchy.V2) {
            out.add(new Write("cpu", cpu, "cpu.max", q.quotaMicros() + " " + q.periodMicros()));
        }
        Hierarchy cpuset = layout.of("cpuset");
        if (cpuset != Hierarchy.NONE && limits.cpuSet() != null) {
            out.add(new Write("cpuset", cpuset, "cpuset.cpus", limits.cpuSet()));
        }
        return out;
    }
}
