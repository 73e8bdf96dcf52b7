package io.jlxd.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SubnetChooserTest {
    @Test
    void picksA10Slash24ThatNothingUses() {
        List<Cidr> used = List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("192.0.2.2/24"), Cidr.parse("10.1.0.0/16"));
        for (int seed = 0; seed < 50; seed++) {
            Cidr c = SubnetChooser.ipv4(used, new Random(seed)).orElseThrow();
            assertTrue(c.toString().matches("10\\.\\d+\\.\\d+\\.1/24"), c.toString());
            assertFalse(c.overlaps(Cidr.parse("10.1.0.0/16")), c.toString());
        }
    }

    @Test
    void scansWhenRandomTriesFail() {
        // everything of 10/8 but 10.255.255.0/24 is in use: 10.0.0.0/9, 10.128.0.0/10, ... 10.255.254.0/24
        List<Cidr> used = new ArrayList<>();
        long base = 10L << 24;
        for (int p = 9; p <= 24; p++) {
            long start = base | ((0xFFFFFFL << (24 - (p - 8) + 1)) & 0xFFFFFFL) & ~(1L << (32 - p));
            used.add(Cidr.parse((start >> 24 & 255) + "." + (start >> 16 & 255) + "." + (start >> 8 & 255) + ".0/" + p));
        }
        assertEquals("10.255.255.1/24", SubnetChooser.ipv4(used, new Random(1)).orElseThrow().toString());
        used.add(Cidr.parse("10.255.255.0/24"));
        assertTrue(SubnetChooser.ipv4(used, new Random(1)).isEmpty());
        assertTrue(SubnetChooser.ipv4(List.of(Cidr.parse("10.0.0.0/8")), new Random(1)).isEmpty());
    }

    @Test
    void picksAnFd42Slash64() {
        Cidr c = SubnetChooser.ipv6(List.of(Cidr.parse("fe80::1/64")), new Random(3)).orElseThrow();
        assertTrue(c.toString().startsWith("fd42:") && c.toString().endsWith("::1/64"), c.toString());
        assertTrue(SubnetChooser.ipv6(List.of(Cidr.parse("fd42::/16")), new Random(3)).isEmpty());
    }
}
