package io.jlxd.daemon.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlxd.api.Json;
import io.jlxd.api.instance.InstanceState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link NetlinkState} against iproute2 on a network namespace of the test's own (a sleeping process unshared into a
 * new one, with a veth pair inside it and addresses; no packet leaves it), and the thread that enters namespaces is back
 * in the host's afterwards.
 */
class NetlinkStateTest {
    @Test
    void sameAsIpJsonInAPrivateNamespace() throws Exception {
        assumeTrue(new java.io.File("/proc/self/ns/net").exists() && "root".equals(System.getProperty("user.name")));
        Process holder = new ProcessBuilder("unshare", "--net", "--", "sleep", "120").start();
        try {
            long pid = holder.pid();
            // unshare execs sleep in the new namespace: wait until the pid's namespace differs from ours
            String mine = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/net")).toString();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/" + pid + "/ns/net")).toString().equals(mine)) {
                assertTrue(System.nanoTime() < deadline, "unshare did not enter a new network namespace");
                Thread.sleep(5);
            }
            String ns = "--net=/proc/" + pid + "/ns/net";
            run("nsenter", ns, "--", "ip", "link", "add", "jppnl0", "type", "veth", "peer", "name", "jppnl1");
            run("nsenter", ns, "--", "ip", "link", "set", "jppnl0", "mtu", "1400", "address", "02:00:00:aa:bb:cc", "up");
            run("nsenter", ns, "--", "ip", "link", "set", "lo", "up");
            run("nsenter", ns, "--", "ip", "addr", "add", "10.254.7.2/24", "dev", "jppnl0");
            run("nsenter", ns, "--", "ip", "-6", "addr", "add", "fd42:0:0:7::2/64", "dev", "jppnl0", "nodad");
            Map<String, InstanceState.Network> ip = NetworkState.parse(Json.lenient().readTree(
                    run("nsenter", ns, "--", "ip", "-json", "-stats", "addr", "show")));
            Map<String, InstanceState.Network> nl = NetlinkState.of(pid);
            assertEquals(List.copyOf(ip.keySet()), List.copyOf(nl.keySet()));
            for (String name : ip.keySet()) {
                InstanceState.Network a = ip.get(name);
                InstanceState.Network b = nl.get(name);
                assertEquals(a.hwaddr(), b.hwaddr(), name);
                assertEquals(a.mtu(), b.mtu(), name);
                assertEquals(a.state(), b.state(), name);
                assertEquals(a.type(), b.type(), name);
                assertEquals(a.addresses(), b.addresses(), name);
                assertEquals(a.counters(), b.counters(), name); // no traffic in this namespace
            }
            InstanceState.Network d = nl.get("jppnl0");
            assertEquals("02:00:00:aa:bb:cc", d.hwaddr());
            assertEquals(1400, d.mtu());
            assertTrue(d.addresses().contains(new InstanceState.Address("inet", "10.254.7.2", "24", "global")), d.toString());
            assertTrue(d.addresses().contains(new InstanceState.Address("inet6", "fd42:0:0:7::2", "64", "global")), d.toString());
            // the namespace-entering thread went back: another read of our own namespace works and differs
            Map<String, InstanceState.Network> host = NetlinkState.of(ProcessHandle.current().pid());
            assertTrue(!host.containsKey("jppnl0"), host.keySet().toString());
        } finally {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS); // the namespace and its veth pair go with it
        }
    }

    @Test
    void gonePidIsAnError() {
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> NetlinkState.of(Integer.MAX_VALUE));
    }

    @Test
    void ipv6TextAsIproute2() {
        assertEquals("fe80::216:3eff:fe00:1", NetlinkState.compressV6(new byte[] {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0,
                0x02, 0x16, 0x3e, (byte) 0xff, (byte) 0xfe, 0, 0, 1}));
        assertEquals("::1", NetlinkState.compressV6(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
        assertEquals("fd42:0:0:7::2", NetlinkState.compressV6(new byte[] {(byte) 0xfd, 0x42, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 2}));
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
        return out;
    }
}
