package io.jlxd.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsmasqConfigTest {
    private static final Path DIR = Path.of("/var/lib/jlxd/networks/br0");

    @Test
    void dualStackWithDefaults() {
        String c = new DnsmasqConfig("br0", DIR, Cidr.parse("10.5.6.1/24"), true, List.of(), "1h",
                Cidr.parse("fd42:1:2:3::1/64"), true, "1h", "lxd", true, 1500, "").render();
        assertTrue(c.contains("\ninterface=br0\n"));
        assertTrue(c.contains("\nbind-interfaces\n"));
        assertTrue(c.contains("\nexcept-interface=lo\n"));
        assertTrue(c.contains("\nlisten-address=10.5.6.1\nlisten-address=fd42:1:2:3::1\n"));
        assertTrue(c.contains("\ndhcp-range=10.5.6.2,10.5.6.254,1h\n"), c);
        assertTrue(c.contains("\nenable-ra\ndhcp-range=::,constructor:br0,ra-stateless,ra-names,1h\n"), c);
        assertTrue(c.contains("\ndhcp-leasefile=/var/lib/jlxd/networks/br0/dnsmasq.leases\n"));
        assertTrue(c.contains("\nconf-file=/var/lib/jlxd/networks/br0/dnsmasq.hosts\n"));
        assertTrue(c.contains("\npid-file=/var/lib/jlxd/networks/br0/dnsmasq.pid\n"));
        assertTrue(c.contains("\ndomain=lxd\nlocal=/lxd/\n"));
        assertFalse(c.contains("port=0"));
        assertFalse(c.contains("dhcp-option-force=26"), "1500 is not announced");
    }

    @Test
    void rangesExpiryMtuNoDnsAndRaw() {
        String c = new DnsmasqConfig("br1", DIR, Cidr.parse("10.5.6.1/24"), true, List.of("10.5.6.10-10.5.6.20", "10.5.6.30-10.5.6.40"),
                "30m", null, false, "1h", "lxd", false, 1400, "no-hosts\n").render();
        assertTrue(c.contains("\ndhcp-range=10.5.6.10,10.5.6.20,30m\ndhcp-range=10.5.6.30,10.5.6.40,30m\n"), c);
        assertTrue(c.contains("\ndhcp-option-force=26,1400\n"));
        assertTrue(c.contains("\nport=0\n"));
        assertFalse(c.contains("enable-ra"));
        assertTrue(c.endsWith("# raw.dnsmasq\nno-hosts\n"), c);
    }

    @Test
    void ipv6OnlyWithoutDhcp() {
        String c = new DnsmasqConfig("br2", DIR, null, true, List.of(), "1h", Cidr.parse("fd42::1/64"), false, "2h", "x.test",
                true, 0, "").render();
        assertFalse(c.contains("dhcp-range=10."));
        assertTrue(c.contains("\ndhcp-range=::,constructor:br2,ra-only,ra-names,2h\n"), c);
        assertEquals(1, c.lines().filter(l -> l.startsWith("listen-address=")).count());
    }

    @Test
    void hostsFileFromNics() {
        String h = DhcpHosts.render(List.of(
                new DhcpHosts.Host("web", "00:16:3E:00:00:02", "10.5.6.7", ""),
                new DhcpHosts.Host("db", "00:16:3e:00:00:01", "", "fd42::7"),
                new DhcpHosts.Host("app", "00:16:3e:00:00:03", "", "")));
        assertEquals("dhcp-host=00:16:3e:00:00:03,app\n"
                + "dhcp-host=00:16:3e:00:00:01,[fd42::7],db\n"
                + "dhcp-host=00:16:3e:00:00:02,10.5.6.7,web\n", h);
    }

    @Test
    void leaseFileParsing() {
        List<Leases.Lease> l = Leases.parse("""
                1796593291 00:16:3e:aa:bb:01 10.77.1.118 probe1 01:00:16:3e:aa:bb:01
                1796593292 00:16:3E:aa:bb:02 10.77.1.119 * *
                duid 00:01:00:01:2c:00:00:00:00:16:3e:00:00:01
                1796593293 1234 fd42::99 c1 00:01:00:01
                """);
        assertEquals(3, l.size());
        assertEquals(new Leases.Lease("probe1", "00:16:3e:aa:bb:01", "10.77.1.118", false), l.get(0));
        assertEquals(new Leases.Lease("", "00:16:3e:aa:bb:02", "10.77.1.119", false), l.get(1));
        assertEquals(new Leases.Lease("c1", "", "fd42::99", true), l.get(2));
    }
}
