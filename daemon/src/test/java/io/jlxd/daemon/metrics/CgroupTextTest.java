package io.jlxd.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kernel files as this host and a cgroup2 host write them. */
class CgroupTextTest {
    @Test
    void cpu() {
        assertEquals(List.of(new CgroupText.Cpu("0", 943640000000L, 301848000000L), new CgroupText.Cpu("1", 5, 6)),
                CgroupText.cpuacctUsageAll("cpu user system\n0 943640000000 301848000000\n1 5 6\n"));
        assertEquals(List.of(new CgroupText.Cpu("all", 2_000_000, 3_000)),
                CgroupText.cpuStatV2("usage_usec 2003\nuser_usec 2000\nsystem_usec 3\nnr_periods 0\n"));
        assertEquals(List.of(), CgroupText.cpuStatV2(""));
        assertEquals(5, InstanceMetrics.countCpus("0-3,5\n"));
        assertEquals(1, InstanceMetrics.countCpus("1"));
        assertEquals(0, InstanceMetrics.countCpus(""));
    }

    @Test
    void blockIo() {
        String bytes = "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 1\n8:0 Total 12288\n253:1 Read 1\nTotal 12289\n";
        String ios = "8:0 Read 2\n8:0 Write 3\n8:0 Total 5\nTotal 5\n";
        assertEquals(Map.of("8:0", new CgroupText.Io(4096, 8192, 2, 3), "253:1", new CgroupText.Io(1, 0, 0, 0)),
                CgroupText.blkioV1(bytes, ios));
        assertEquals(Map.of("8:16", new CgroupText.Io(10, 20, 1, 2)),
                CgroupText.ioStatV2("8:16 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n"));
    }

    @Test
    void netDevAndKeyValues() {
        String dev = """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0          0
                  eth0:    5000      40    1    2    0     0          0         3     7000      50    3    4    0     0       0          0
                """;
        assertEquals(Map.of("lo", new CgroupText.Net(100, 2, 0, 0, 100, 2, 0, 0), "eth0", new CgroupText.Net(5000, 40, 1, 2, 7000, 50, 3, 4)),
                CgroupText.netDev(dev));
        assertEquals(Map.of("oom_kill_disable", 0L, "oom_kill", 7L), CgroupText.keyValues("oom_kill_disable 0\nunder_oom x\noom_kill 7\n"));
    }
}
