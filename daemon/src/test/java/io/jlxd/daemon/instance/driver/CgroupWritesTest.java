package io.jlxd.daemon.instance.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlxd.daemon.instance.driver.CgroupLayout.Hierarchy;
import io.jlxd.daemon.instance.driver.CgroupWrites.Write;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CgroupWritesTest {
    private static final Limits ALL = new Limits("0-1", new Limits.CpuQuota(50_000, 100_000), 256L << 20, 100L);
    /** memory and pids on cgroup2, cpu and cpuset still on v1: a hybrid host mixes them per controller. */
    private static final CgroupLayout MIXED = CgroupLayout.parse(List.of(
            "30 25 0:26 / /sys/fs/cgroup/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu",
            "31 25 0:27 / /sys/fs/cgroup/cpuset rw,relatime shared:10 - cgroup cgroup rw,cpuset",
            "35 25 0:30 / /sys/fs/cgroup/unified rw,relatime shared:15 - cgroup2 cgroup2 rw"), root -> "memory pids");

    private static Map<String, String> files(List<Write> writes) {
        return writes.stream().collect(Collectors.toMap(w -> w.hierarchy() + " " + w.file(), Write::value, (a, b) -> b,
                java.util.TreeMap::new));
    }

    @Test
    void v1FilesOnAHostWithEveryControllerOnV1() {
        assertEquals(Map.of("V1 memory.limit_in_bytes", "268435456", "V1 pids.max", "100", "V1 cpu.cfs_period_us", "100000",
                "V1 cpu.cfs_quota_us", "50000", "V1 cpuset.cpus", "0-1"), files(CgroupWrites.of(ALL, LxcConfigTest.HYBRID)));
        List<Write> w = CgroupWrites.of(ALL, LxcConfigTest.HYBRID);
        assertEquals(List.of("memory", "pids", "cpu", "cpu", "cpuset"), w.stream().map(Write::controller).toList());
        assertEquals("cpu.cfs_period_us", w.get(2).file(), "the period is written before the quota");
    }

    @Test
    void v2FilesOnAUnifiedHost() {
        assertEquals(Map.of("V2 memory.max", "268435456", "V2 pids.max", "100", "V2 cpu.max", "50000 100000",
                "V2 cpuset.cpus", "0-1"), files(CgroupWrites.of(ALL, LxcConfigTest.UNIFIED)));
    }

    @Test
    void eachControllerOnItsOwnHierarchy() {
        assertEquals(Map.of("V2 memory.max", "268435456", "V2 pids.max", "100", "V1 cpu.cfs_period_us", "100000",
                "V1 cpu.cfs_quota_us", "50000", "V1 cpuset.cpus", "0-1"), files(CgroupWrites.of(ALL, MIXED)));
        assertEquals(Hierarchy.V2, MIXED.of("memory"));
        assertEquals(Map.of("cpu", "v1", "cpuset", "v1", "memory", "v2", "pids", "v2"), MIXED.controllers());
    }

    @Test
    void unsetMemoryAndProcessLimitsAreLiftedCpuLeftAlone() {
        assertEquals(Map.of("V1 memory.limit_in_bytes", "-1", "V1 pids.max", "max"),
                files(CgroupWrites.of(Limits.NONE, LxcConfigTest.HYBRID)));
        assertEquals(Map.of("V2 memory.max", "max", "V2 pids.max", "max"), files(CgroupWrites.of(Limits.NONE, LxcConfigTest.UNIFIED)));
    }

    @Test
    void hostControllersAreListedByHierarchy() {
        Map<String, String> c = LxcConfigTest.HYBRID.controllers();
        assertEquals("v1", c.get("memory"));
        assertEquals("v2", c.get("hugetlb"));
        assertEquals(false, c.keySet().stream().anyMatch(k -> k.startsWith("name=")), c::toString);
    }
}
