package io.jlxd.daemon.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlxd.api.Json;
import io.jlxd.api.instance.InstanceState;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkStateTest {
    @Test
    void mapsIproute2JsonToLxdShape() throws Exception {
        String json = """
                [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"operstate":"UNKNOWN",
                  "link_type":"loopback","address":"00:00:00:00:00:00",
                  "addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"},
                               {"family":"inet6","local":"::1","prefixlen":128,"scope":"host"}],
                  "stats64":{"rx":{"bytes":10,"packets":2},"tx":{"bytes":30,"packets":4}}},
                 {"ifindex":5,"ifname":"eth0","flags":["BROADCAST","MULTICAST"],"mtu":1500,"link_type":"ether",
                  "address":"00:16:3e:aa:bb:cc",
                  "addr_info":[{"family":"inet","local":"10.0.3.5","prefixlen":24,"scope":"global"}],
                  "stats64":{"rx":{"bytes":1,"packets":1},"tx":{"bytes":2,"packets":2}}}]
                """;
        Map<String, InstanceState.Network> m = NetworkState.parse(Json.lenient().readTree(json));
        assertEquals(2, m.size());
        InstanceState.Network lo = m.get("lo");
        assertEquals("loopback", lo.type());
        assertEquals("up", lo.state());
        assertEquals(new InstanceState.Address("inet", "127.0.0.1", "8", "local"), lo.addresses().get(0));
        assertEquals(new InstanceState.Counters(10, 30, 2, 4), lo.counters());
        InstanceState.Network eth = m.get("eth0");
        assertEquals("broadcast", eth.type());
        assertEquals("down", eth.state());
        assertEquals("00:16:3e:aa:bb:cc", eth.hwaddr());
        assertEquals(1500, eth.mtu());
        assertEquals("24", eth.addresses().get(0).netmask());
    }
}
