package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** LXD's own client (Debian's lxd-client, {@code lxc} with LXD_DIR) drives jlxd's networks and forwards. */
class NetworkLxdClientTest extends DaemonTestBase {

    record Out(int code, String out) {
    }

    private static Out lxc(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("lxc"));
        cmd.addAll(List.of(args));
        Path home = daemon.dataDir().resolveSibling("lxc-home");
        Files.createDirectories(home);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("LXD_DIR", daemon.dataDir().toString());
        pb.environment().put("HOME", home.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("lxc " + String.join(" ", args) + " timed out");
        }
        return new Out(p.exitValue(), out);
    }

    private static String ok(String... args) throws Exception {
        Out o = lxc(args);
        assertEquals(0, o.code(), () -> "lxc " + String.join(" ", args) + ": " + o.out());
        return o.out();
    }

    @AfterEach
    void cleanup() throws Exception {
        lxc("network", "delete", "jta13");
        HostNet.exec("ip", "link", "delete", "jta13");
        HostNet.exec("nft", "delete", "table", "inet", "jlxd-jta13");
    }

    @Test
    void lxcNetworkCommands() throws Exception {
        ok("network", "create", "jta13", "ipv6.address=none");
        String list = ok("network", "list", "--format", "csv");
        assertTrue(list.matches("(?s).*jta13,bridge,YES,10\\.\\d+\\.\\d+\\.1/24,none,,0,CREATED.*"), list);
        ok("network", "set", "jta13", "user.team=infra");
        assertEquals("infra", ok("network", "get", "jta13", "user.team").strip());
        String cidr = ok("network", "get", "jta13", "ipv4.address").strip();
        String base = cidr.substring(0, cidr.lastIndexOf('.') + 1);
        assertTrue(ok("network", "info", "jta13").contains(cidr));
        assertTrue(ok("network", "list-leases", "jta13").contains("HOSTNAME"));
        Out bad = lxc("network", "set", "jta13", "ipv4.address", "10.1.2.0/24");
        assertEquals(1, bad.code(), bad.out());
        assertTrue(bad.out().contains("ipv4.address"), bad.out());

        ok("network", "forward", "create", "jta13", base + "250", "target_address=" + base + "20");
        ok("network", "forward", "port", "add", "jta13", base + "250", "tcp", "80,443", base + "21", "8080,8443");
        String show = ok("network", "forward", "show", "jta13", base + "250");
        assertTrue(show.contains("target_port: 8080,8443"), show);
        assertTrue(HostNet.run("nft", "list", "table", "inet", "jlxd-jta13").contains("tcp dport 443 dnat ip to " + base + "21:8443"));
        ok("network", "forward", "port", "remove", "jta13", base + "250", "tcp");
        ok("network", "forward", "delete", "jta13", base + "250");

        ok("network", "delete", "jta13");
        assertFalse(HostNet.linkExists("jta13"));
        assertFalse(HostNet.nftTable("jta13"));
    }
}
