package io.jlxd.daemon.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.api.config.ConfigException;
import io.jlxd.api.network.NetworkForwardPort;
import io.jlxd.daemon.db.NetworkForwardTable;
import io.jlxd.network.NftRules;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkForwardsTest {
    private static final Map<String, String> NET = Map.of("ipv4.address", "10.1.1.1/24", "ipv6.address", "none");

    private static NetworkForwardTable.Row row(String listen, Map<String, String> config, NetworkForwardPort... ports) {
        return new NetworkForwardTable.Row("br0", listen, "", config, NetworkForwards.json(List.of(ports)));
    }

    private static String bad(NetworkForwardTable.Row r) {
        return assertThrows(ConfigException.class, () -> NetworkForwards.validate(r, NET, Map.of())).getMessage();
    }

    @Test
    void validForwardBecomesRules() {
        NetworkForwardTable.Row r = row("192.0.2.5", Map.of("target_address", "10.1.1.9"),
                new NetworkForwardPort(null, "tcp", "80,443", "8080,8443", "10.1.1.7"),
                new NetworkForwardPort("dns", "udp", "53", "", "10.1.1.8"));
        NetworkForwards.validate(r, NET, Map.of());
        NftRules.Forward f = NetworkForwards.rule(r);
        assertEquals("10.1.1.9", f.defaultTarget());
        assertEquals(List.of(80, 443), f.ports().get(0).listenPorts());
        assertEquals(List.of(8080, 8443), f.ports().get(0).targetPorts());
        assertEquals(List.of(53), f.ports().get(1).targetPorts(), "no target port: the same ports");
        assertEquals("", NetworkForwards.ports(r.portsJson()).get(0).description(), "nulls stored as empty strings");
    }

    @Test
    void refusals() {
        NetworkForwardPort ok = new NetworkForwardPort("", "tcp", "80", "", "10.1.1.7");
        assertTrue(bad(row("192.0.2.5", Map.of(), new NetworkForwardPort("", "icmp", "80", "", "10.1.1.7"))).contains("protocol"));
        assertTrue(bad(row("192.0.2.5", Map.of(), new NetworkForwardPort("", "tcp", "", "", "10.1.1.7"))).contains("listen_port"));
        assertTrue(bad(row("192.0.2.5", Map.of(), new NetworkForwardPort("", "tcp", "80,81,82", "1,2", "10.1.1.7"))).contains("target_port"));
        assertTrue(bad(row("192.0.2.5", Map.of(), new NetworkForwardPort("", "tcp", "80", "", "10.2.2.2"))).contains("not inside"));
        assertTrue(bad(row("192.0.2.5", Map.of(), ok, ok)).contains("Duplicate"));
        assertTrue(bad(row("192.0.2.5", Map.of("target_address", "172.16.0.1"))).contains("not inside"));
        assertTrue(bad(row("192.0.2.5", Map.of("bogus", "1"))).contains("bogus"));
        assertTrue(bad(row("fd00::5", Map.of(), ok)).contains("IPv6"));
        assertTrue(bad(row("127.0.0.1", Map.of(), ok)).contains("loopback"));
        assertTrue(assertThrows(ConfigException.class, () -> NetworkForwards.validate(row("10.1.1.1", Map.of(), ok), NET,
                Map.of("10.1.1.1", "br0"))).getMessage().contains("already used"));
    }
}
