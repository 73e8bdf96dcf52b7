package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** jlxc network and network forward against a real daemon (bridges named jta*). */
class NetworkCliTest extends DaemonTestBase {

    private static Jlxc.Result jlxc(String... args) {
        return Jlxc.run(daemon.dataDir(), args);
    }

    private static Jlxc.Result ok(String... args) {
        Jlxc.Result r = jlxc(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    @AfterEach
    void cleanup() {
        for (String n : new String[] {"jta8", "jta9"}) {
            jlxc("network", "delete", n);
            HostNet.exec("ip", "link", "delete", n);
            HostNet.exec("nft", "delete", "table", "inet", "jlxd-" + n);
        }
    }

    @Test
    void networksAndForwards() {
        ok("network", "create", "jta8", "ipv6.address=none", "--description", "cli net");
        String list = ok("network", "list", "--format", "csv").stdout();
        assertTrue(list.matches("(?s).*jta8,bridge,YES,10\\.\\d+\\.\\d+\\.1/24,none,cli net,0,CREATED.*"), list);
        assertTrue(list.contains("lo,loopback,NO,"), list);
        ok("network", "set", "jta8", "user.team=infra", "ipv4.dhcp.expiry=2h");
        assertEquals("infra", ok("network", "get", "jta8", "user.team").stdout().trim());
        ok("network", "unset", "jta8", "user.team");
        assertEquals("", ok("network", "get", "jta8", "user.team").stdout().trim());
        String cidr = ok("network", "get", "jta8", "ipv4.address").stdout().trim();
        String base = cidr.substring(0, cidr.lastIndexOf('.') + 1);
        assertTrue(ok("network", "show", "jta8").stdout().contains("ipv4.dhcp.expiry: 2h"));
        assertTrue(ok("network", "info", "jta8").stdout().contains(cidr), "info shows the address");
        Jlxc.Result bad = jlxc("network", "set", "jta8", "ipv4.nat=perhaps");
        assertEquals(1, bad.exitCode(), bad::toString);
        assertTrue(bad.stderr().startsWith("Error: "), bad::toString);
        Jlxc.Result edit = Jlxc.runWithInput(daemon.dataDir(), "description: edited\nconfig:\n  ipv4.address: " + cidr
                + "\n  ipv4.nat: \"true\"\n  ipv6.address: none\n", "network", "edit", "jta8");
        assertEquals(0, edit.exitCode(), edit::toString);
        assertTrue(ok("network", "show", "jta8").stdout().contains("description: edited"));
        assertTrue(ok("network", "list-leases", "jta8", "--format", "csv,header").stdout()
                .startsWith("HOSTNAME,MAC ADDRESS,IP ADDRESS,TYPE"));

        ok("network", "rename", "jta8", "jta9");
        assertTrue(HostNet.linkExists("jta9") && !HostNet.linkExists("jta8"));

        String listen = base + "240";
        ok("network", "forward", "create", "jta9", listen, "target_address=" + base + "20");
        ok("network", "forward", "port", "add", "jta9", listen, "tcp", "80,443", base + "21", "8080,8443");
        ok("network", "forward", "port", "add", "jta9", listen, "udp", "53", base + "22");
        String show = ok("network", "forward", "show", "jta9", listen).stdout();
        assertTrue(show.contains("listen_port: \"80,443\"") && show.contains("target_port: \"8080,8443\""), show);
        String table = HostNet.run("nft", "list", "table", "inet", "jlxd-jta9");
        assertTrue(table.contains("tcp dport 443 dnat ip to " + base + "21:8443"), table);
        String forwards = ok("network", "forward", "list", "jta9", "--format", "csv").stdout();
        assertTrue(forwards.contains(listen + ",," + base + "20,2"), forwards);
        ok("network", "forward", "port", "remove", "jta9", listen, "tcp");
        assertFalse(ok("network", "forward", "show", "jta9", listen).stdout().contains("tcp"));
        Jlxc.Result none = jlxc("network", "forward", "port", "remove", "jta9", listen, "tcp");
        assertEquals(1, none.exitCode(), none::toString);
        ok("network", "forward", "delete", "jta9", listen);
        assertFalse(HostNet.run("nft", "list", "table", "inet", "jlxd-jta9").contains("dnat"));

        ok("network", "delete", "jta9");
        assertFalse(HostNet.linkExists("jta9"));
        assertFalse(HostNet.nftTable("jta9"));
    }
}
