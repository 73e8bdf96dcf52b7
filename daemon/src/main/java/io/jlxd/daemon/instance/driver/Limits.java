package io.jlxd.daemon.instance.driver;

import java.util.regex.Pattern;

/**
 * Resource limits of a container, each optional ({@code null} = unlimited). {@link LxcConfig} turns them into
 * the cgroup keys that work on the host's cgroup layout ({@link CgroupLayout}).
 *
 * @param cpuSet      CPUs the container may run on, in cpuset list syntax ({@code "0-1,3"})
 * @param cpuQuota    hard CPU bandwidth limit
 * @param memoryBytes memory limit in bytes (at least 1 MiB)
 * @param processes   maximum number of tasks (processes and threads), at least 1
 */
public record Limits(String cpuSet, CpuQuota cpuQuota, Long memoryBytes, Long processes) {
    /** No limit at all. */
    public static final Limits NONE = new Limits(null, null, null, null);
    private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    /**
     * CPU bandwidth: at most {@code quotaMicros} of CPU time every {@code periodMicros} (200000/100000 = two
     * CPUs' worth). Kernel bounds: period 1 ms..1 s, quota at least 1 ms.
     */
    public record CpuQuota(long quotaMicros, long periodMicros) {
        public CpuQuota {
            if (periodMicros < 1_000 || periodMicros > 1_000_000) {
                throw new IllegalArgumentException("cpu period must be 1000..1000000 us: " + periodMicros);
            }
            if (quotaMicros < 1_000) {
                throw new IllegalArgumentException("cpu quota must be >= 1000 us: " + quotaMicros);
            }
        }
    }

    public Limits {
        if (cpuSet != null && !CPU_LIST.matcher(cpuSet).matches()) {
            throw new IllegalArgumentException("cpu set must look like 0-1,3: " + cpuSet);
        }
        if (memoryBytes != null && memoryBytes < (1 << 20)) {
            throw new IllegalArgumentException("memory limit must be at least 1 MiB: " + memoryBytes);
        }
        if (processes != null && processes < 1) {
            throw new IllegalArgumentException("process limit must be at least 1: " + processes);
        }
    }

    public Limits withCpuSet(String value) {
        return new Limits(value, cpuQuota, memoryBytes, processes);
    }

    public Limits withCpuQuota(CpuQuota value) {
        return new Limits(cpuSet, value, memoryBytes, processes);
    }

    public Limits withMemoryBytes(Long value) {
        return new Limits(cpuSet, cpuQuota, value, processes);
    }

    public Limits withProcesses(Long value) {
        return new Limits(cpuSet, cpuQuota, memoryBytes, value);
    }
}
