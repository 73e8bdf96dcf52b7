package io.jlxd.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void parsesAndDerivesTheSubnet() {
        Cidr c = Cidr.parse("10.12.1.1/24");
        assertTrue(c.isIpv4());
        assertEquals("10.12.1.0/24", c.subnet().toString());
        assertEquals("10.12.1.255", Cidr.text(c.last()));
        assertEquals("10.12.1.2", Cidr.text(c.host(2)));
        assertEquals("fd42:1:2:3::1/64", Cidr.parse("fd42:1:2:3:0:0:0:1/64").toString());
        assertEquals("fd42:1:2:3::/64", Cidr.parse("fd42:1:2:3::1/64").subnet().toString());
        assertEquals("fd42::1", Cidr.parse("fd42::1/64").addressText());
    }

    @Test
    void overlapsAndContains() {
        assertTrue(Cidr.parse("10.0.0.1/8").overlaps(Cidr.parse("10.12.1.1/24")));
        assertTrue(Cidr.parse("10.12.1.1/24").overlaps(Cidr.parse("10.0.0.0/8")));
        assertFalse(Cidr.parse("10.12.1.1/24").overlaps(Cidr.parse("10.12.2.1/24")));
        assertFalse(Cidr.parse("10.12.1.1/24").overlaps(Cidr.parse("fd42::1/64")));
        assertTrue(Cidr.parse("10.12.1.1/24").contains(Cidr.literal("10.12.1.200")));
        assertFalse(Cidr.parse("10.12.1.1/24").contains(Cidr.literal("10.12.2.1")));
    }

    @Test
    void refusesWhatIsNotALiteralCidr() {
        for (String bad : new String[] {"10.1.2.3", "10.1.2.3/33", "example.com/24", "10.1.2/24", "fd42::1/129", "/24", "10.1.2.3/x"}) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }
}
