package io.jlxd.daemon.instance.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.daemon.instance.driver.CgroupLayout.Hierarchy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupLayoutTest {
    /** This host: every controller on v1, cgroup2 at /sys/fs/cgroup/unified with hugetlb only. */
    static final List<String> HYBRID = List.of(
            "25 30 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw",
            "30 25 0:26 / /sys/fs/cgroup rw,relatime shared:9 - tmpfs tmpfs rw,mode=755",
            "31 30 0:27 / /sys/fs/cgroup/unified rw,relatime shared:10 - cgroup2 cgroup2 rw",
            "32 30 0:28 / /sys/fs/cgroup/systemd rw,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd",
            "33 30 0:29 / /sys/fs/cgroup/memory rw,relatime shared:12 - cgroup cgroup rw,memory",
            "34 30 0:30 / /sys/fs/cgroup/pids rw,relatime shared:13 - cgroup cgroup rw,pids",
            "35 30 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:14 - cgroup cgroup rw,cpu,cpuacct",
            "36 30 0:32 / /sys/fs/cgroup/cpuset rw,relatime shared:15 - cgroup cgroup rw,cpuset,clone_children",
            "37 30 0:33 / /sys/fs/cgroup/devices rw,relatime shared:16 - cgroup cgroup rw,devices",
            "38 30 0:34 / /sys/fs/cgroup/freezer rw,relatime shared:17 - cgroup cgroup rw,freezer",
            "39 30 0:35 /lxc.payload.x /mnt/other rw,relatime - cgroup cgroup rw,blkio");

    static final List<String> UNIFIED = List.of(
            "30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot");

    @Test
    void hybridHostPutsControllersOnV1() {
        CgroupLayout l = CgroupLayout.parse(HYBRID, root -> "hugetlb\n");
        assertEquals(Hierarchy.V1, l.of("memory"));
        assertEquals(Hierarchy.V1, l.of("pids"));
        assertEquals(Hierarchy.V1, l.of("cpu"));
        assertEquals(Hierarchy.V1, l.of("cpuacct"));
        assertEquals(Hierarchy.V1, l.of("cpuset"));
        assertEquals(Hierarchy.V1, l.of("devices"));
        assertEquals(Hierarchy.V2, l.of("hugetlb"));
        assertEquals(Hierarchy.NONE, l.of("blkio"), "a hierarchy not mounted at its root does not count");
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct"), l.v1().get("cpu"));
        assertEquals(Path.of("/sys/fs/cgroup/unified"), l.v2Root());
        assertFalse(l.unifiedOnly());
        assertEquals(8, l.mountPoints().size()); // systemd memory pids cpu,cpuacct cpuset devices freezer + unified
        assertTrue(l.v1().containsKey("name=systemd"));
        assertFalse(l.v1().containsKey("clone_children"));
        assertFalse(l.v1().containsKey("xattr"));
    }

    @Test
    void unifiedHostPutsControllersOnV2() {
        CgroupLayout l = CgroupLayout.parse(UNIFIED, root -> "cpuset cpu io memory hugetlb pids rdma misc\n");
        assertTrue(l.unifiedOnly());
        assertEquals(Hierarchy.V2, l.of("memory"));
        assertEquals(Hierarchy.V2, l.of("pids"));
        assertEquals(Hierarchy.V2, l.of("devices"), "cgroup2 device control is BPF, always there");
        assertEquals(Hierarchy.V2, l.of("freezer"), "cgroup2 freezing is cgroup.freeze, always there");
        assertEquals(Hierarchy.NONE, l.of("net_cls"));
        assertEquals(List.of(Path.of("/sys/fs/cgroup")), l.mountPoints());
    }

    @Test
    void detectsThisHost() throws Exception {
        CgroupLayout l = CgroupLayout.detect();
        assertFalse(l.mountPoints().isEmpty(), "no cgroup hierarchy found: " + l);
    }
}
