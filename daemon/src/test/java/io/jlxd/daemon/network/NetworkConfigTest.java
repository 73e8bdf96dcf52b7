package io.jlxd.daemon.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.api.config.ConfigException;
import io.jlxd.network.Cidr;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetworkConfigTest {
    private static void ok(Map<String, String> c) {
        NetworkConfig.validate(c, Map.of(), List.of());
    }

    private static String bad(Map<String, String> c) {
        return assertThrows(ConfigException.class, () -> NetworkConfig.validate(c, Map.of(), List.of()), c.toString()).getMessage();
    }

    @Test
    void namesTheKernelAccepts() {
        NetworkConfig.validateName("jlxdbr0");
        NetworkConfig.validateName("a-b_c.d");
        NetworkConfig.validateName("x".repeat(15));
        assertTrue(assertThrows(ConfigException.class, () -> NetworkConfig.validateName("x".repeat(16))).getMessage().contains("too long"));
        for (String n : new String[] {"", "-x", "a b", "a/b", "a:b", ".", ".."}) {
            assertThrows(ConfigException.class, () -> NetworkConfig.validateName(n), n);
        }
    }

    @Test
    void createDefaultsAreLxds() {
        assertEquals(Map.of("ipv4.address", "auto", "ipv4.nat", "true", "ipv6.address", "auto", "ipv6.nat", "true"),
                NetworkConfig.withCreateDefaults(Map.of()));
        assertEquals(Map.of("ipv4.address", "10.1.1.1/24", "ipv6.address", "none"),
                NetworkConfig.withCreateDefaults(Map.of("ipv4.address", "10.1.1.1/24", "ipv6.address", "none")));
        assertEquals("false", NetworkConfig.withCreateDefaults(Map.of("ipv4.nat", "false")).get("ipv4.nat"));
        // a JSON null is an empty value: unset (ApiFuzzTest found {"": null} answering 500)
        java.util.Map<String, String> withNull = new java.util.HashMap<>();
        withNull.put("", null);
        withNull.put("ipv6.address", null);
        assertEquals(NetworkConfig.withCreateDefaults(Map.of()), NetworkConfig.withCreateDefaults(withNull));
    }

    @Test
    void autoIsResolvedAwayFromUsedSubnets() {
        Map<String, String> c = NetworkConfig.resolveAuto(NetworkConfig.withCreateDefaults(Map.of()),
                List.of(Cidr.parse("10.0.0.0/9")), new Random(7));
        Cidr v4 = Cidr.parse(c.get("ipv4.address"));
        assertTrue(!v4.overlaps(Cidr.parse("10.0.0.0/9")) && v4.prefix() == 24, v4.toString());
        assertTrue(c.get("ipv6.address").startsWith("fd42:"));
    }

    @Test
    void goodValues() {
        ok(Map.of("ipv4.address", "10.9.8.1/24", "ipv4.dhcp.ranges", "10.9.8.10-10.9.8.20,10.9.8.30-10.9.8.40",
                "ipv4.dhcp.expiry", "30m", "ipv6.address", "fd42:9::1/64", "dns.mode", "none", "dns.domain", "my.test",
                "bridge.mtu", "1400", "bridge.hwaddr", "00:16:3e:01:02:03", "raw.dnsmasq", "no-hosts\n# c\n", "user.x", "y"));
        ok(Map.of("ipv4.address", "none", "ipv6.address", "none"));
    }

    @Test
    void badValuesNameTheKey() {
        assertTrue(bad(Map.of("nope", "1")).contains("nope"));
        assertTrue(bad(Map.of("ipv4.address", "10.9.8.0/24")).contains("ipv4.address"));
        assertTrue(bad(Map.of("ipv4.address", "10.9.8.255/24")).contains("broadcast"));
        assertTrue(bad(Map.of("ipv4.address", "10.9.8.1/31")).contains("prefix"));
        assertTrue(bad(Map.of("ipv6.address", "fe80::1/64")).contains("ipv6.address"));
        assertTrue(bad(Map.of("ipv4.address", "10.9.8.1/24", "ipv4.dhcp.ranges", "10.9.9.1-10.9.9.5")).contains("not inside"));
        assertTrue(bad(Map.of("ipv4.address", "10.9.8.1/24", "ipv4.dhcp.ranges", "10.9.8.9-10.9.8.5")).contains("ends before"));
        assertTrue(bad(Map.of("ipv4.dhcp.ranges", "10.9.8.9-10.9.8.50", "ipv4.address", "none")).contains("needs an IPv4"));
        assertTrue(bad(Map.of("ipv4.dhcp.expiry", "1 hour")).contains("expiry"));
        assertTrue(bad(Map.of("ipv6.dhcp.expiry", "later")).contains("ipv6.dhcp.expiry"));
        assertTrue(bad(Map.of("bridge.mtu", "70000")).contains("bridge.mtu"));
        assertTrue(bad(Map.of("bridge.mtu", "1000", "ipv6.address", "fd42::1/64")).contains("1280"));
        assertTrue(bad(Map.of("bridge.hwaddr", "ff:ff:ff:ff:ff:ff")).contains("unicast"));
        assertTrue(bad(Map.of("dns.domain", "-bad")).contains("dns.domain"));
        assertTrue(bad(Map.of("raw.dnsmasq", "dhcp-script=/bin/sh")).contains("dhcp-script"));
    }

    @Test
    void overlapsWithOtherNetworksAndTheHost() {
        Map<String, String> c = Map.of("ipv4.address", "10.9.8.1/24");
        String other = assertThrows(ConfigException.class, () -> NetworkConfig.validate(c,
                Map.of("br9", List.of(Cidr.parse("10.9.0.1/16"))), List.of())).getMessage();
        assertTrue(other.contains("br9"), other);
        String host = assertThrows(ConfigException.class, () -> NetworkConfig.validate(c, Map.of(),
                List.of(Cidr.parse("10.9.8.77/32")))).getMessage();
        assertTrue(host.contains("host"), host);
        NetworkConfig.validate(c, Map.of("br9", List.of(Cidr.parse("10.9.9.1/24"))), List.of(Cidr.parse("0.0.0.0/0")));
    }
}
