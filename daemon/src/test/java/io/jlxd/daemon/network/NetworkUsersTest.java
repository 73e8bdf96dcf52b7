package io.jlxd.daemon.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlxd.network.DhcpHosts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DHCP host entries (and so static reservations and DNS names) derived from an instance's rows. */
class NetworkUsersTest {
    @Test
    void nicsOnTheNetworkWithTheirMacsAndStaticAddresses() {
        Map<String, Map<String, String>> devices = Map.of(
                "eth0", Map.of("type", "nic", "network", "br0", "ipv4.address", "10.1.1.10", "ipv6.address", "fd42::10"),
                "eth1", Map.of("type", "nic", "network", "br0", "hwaddr", "00:16:3e:00:00:99"),
                "eth2", Map.of("type", "nic", "network", "other"),
                "eth3", Map.of("type", "nic", "network", "br0"),
                "root", Map.of("type", "disk", "path", "/", "pool", "default"));
        Map<String, String> vol = Map.of("volatile.eth0.hwaddr", "00:16:3e:00:00:01", "volatile.eth1.hwaddr", "00:16:3e:00:00:02",
                "volatile.eth2.hwaddr", "00:16:3e:00:00:03");
        List<DhcpHosts.Host> hosts = NetworkUsers.hosts("br0", "c1", devices, vol).stream()
                .sorted(java.util.Comparator.comparing(DhcpHosts.Host::mac)).toList();
        assertEquals(List.of(new DhcpHosts.Host("c1", "00:16:3e:00:00:01", "10.1.1.10", "fd42::10"),
                new DhcpHosts.Host("c1", "00:16:3e:00:00:99", "", "")), hosts, "eth3 has no MAC yet; eth2 is elsewhere");
        assertEquals("dhcp-host=00:16:3e:00:00:01,10.1.1.10,[fd42::10],c1\n", DhcpHosts.render(hosts.subList(0, 1)));
    }
}
