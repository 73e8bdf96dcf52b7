package io.jlxd.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NftRulesTest {
    @Test
    void replacesItsOwnTableAtomically() {
        String s = new NftRules("br0", Cidr.parse("10.5.6.1/24"), true, Cidr.parse("fd42:1::1/64"), true, List.of()).render();
        assertTrue(s.startsWith("table inet jlxd-br0\ndelete table inet jlxd-br0\ntable inet jlxd-br0 {\n"), s);
        assertTrue(s.contains("    ip saddr 10.5.6.0/24 ip daddr != 10.5.6.0/24 masquerade\n"));
        assertTrue(s.contains("    ip6 saddr fd42:1::/64 ip6 daddr != fd42:1::/64 masquerade\n"));
        assertTrue(s.contains("    iifname \"br0\" accept\n    oifname \"br0\" accept\n"));
        assertTrue(s.contains("    iifname \"br0\" udp dport { 53, 67, 547 } accept\n"));
        assertFalse(s.contains("dnat"), "no forwards, no nat chains");
    }

    @Test
    void noNatNoMasquerade() {
        String s = new NftRules("br0", Cidr.parse("10.5.6.1/24"), false, null, false, List.of()).render();
        assertFalse(s.contains("masquerade"));
        assertTrue(s.contains("chain forward"));
    }

    @Test
    void forwardsBecomeDnatInPreroutingAndOutput() {
        NftRules.Forward f = new NftRules.Forward("192.0.2.10", List.of(
                new NftRules.PortRule("tcp", List.of(80, 81), "10.5.6.7", List.of(8080, 8081)),
                new NftRules.PortRule("udp", List.of(53), "10.5.6.8", List.of(53))), "10.5.6.9");
        NftRules.Forward f6 = new NftRules.Forward("2001:db8::1", List.of(
                new NftRules.PortRule("tcp", List.of(443, 444), "fd42::7", List.of(4443))), "");
        String s = new NftRules("br0", Cidr.parse("10.5.6.1/24"), true, Cidr.parse("fd42::1/64"), false, List.of(f, f6)).render();
        String pre = s.substring(s.indexOf("chain prerouting"), s.indexOf("chain output_nat"));
        assertTrue(pre.contains("ip daddr 192.0.2.10 tcp dport 80 dnat ip to 10.5.6.7:8080\n"), pre);
        assertTrue(pre.contains("ip daddr 192.0.2.10 tcp dport 81 dnat ip to 10.5.6.7:8081\n"));
        assertTrue(pre.contains("ip daddr 192.0.2.10 udp dport 53 dnat ip to 10.5.6.8:53\n"));
        assertTrue(pre.indexOf("ip daddr 192.0.2.10 dnat ip to 10.5.6.9\n") > pre.indexOf("udp dport 53"), "default target last");
        assertTrue(pre.contains("ip6 daddr 2001:db8::1 tcp dport 444 dnat ip6 to [fd42::7]:4443\n"), pre);
        assertTrue(s.contains("type nat hook output priority -100"), "local connections too");
        assertTrue(s.contains("ip saddr 10.5.6.7 ip daddr 10.5.6.7 masquerade"), "hairpin");
    }

    @Test
    void portSpecs() {
        assertEquals(List.of(80), NftRules.ports("80"));
        assertEquals(List.of(80, 443, 8000, 8001, 8002), NftRules.ports("80, 443,8000-8002"));
        assertEquals(List.of(), NftRules.ports(""));
        for (String bad : new String[] {"0", "65536", "x", "9-8", "1-2-3", "1-5000"}) {
            assertThrows(IllegalArgumentException.class, () -> NftRules.ports(bad), bad);
        }
    }
}
