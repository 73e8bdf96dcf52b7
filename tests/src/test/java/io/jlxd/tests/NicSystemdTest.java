package io.jlxd.tests;

import static io.jlxd.tests.Instances.action;
import static io.jlxd.tests.Instances.create;
import static io.jlxd.tests.Instances.ok;
import static io.jlxd.tests.Instances.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Debian image (systemd, criu-friendly variant) with a NIC on a test bridge with a real dnsmasq: systemd-networkd
 * gets a DHCP lease on eth0 with no failed unit, and the container still checkpoints: a stateful stop/start keeps
 * its address, its MAC and an open TCP connection from the host.
 */
class NicSystemdTest extends DaemonTestBase {
    static final String C = "nic-deb";
    static TestBridge br;

    @BeforeAll
    static void setUp() {
        Instances.openTempRoot(daemon);
        br = TestBridge.create();
    }

    @AfterAll
    static void tearDown() {
        try {
            Instances.cleanup(daemon);
        } finally {
            if (br != null) {
                br.close();
            }
        }
    }

    @Test
    void networkdGetsALeaseAndTheContainerStillCheckpointsWithItsConnection() throws Exception {
        String fp = Instances.importImage(Instances.image("debian/bookworm"));
        ok(create(Map.of("name", C, "source", Map.of("type", "image", "fingerprint", fp), "start", true,
                "devices", Map.of("eth0", NicDevicesTest.nicOn(br)))));
        SystemdContainerTest.assertSystemRunning(C);
        String ip = NicDevicesTest.awaitIpv4(C, "eth0");
        assertTrue(ip.startsWith(br.prefix), ip);
        String mac = state(C).path("network").path("eth0").path("hwaddr").asText();

        // a one-connection line echo server in perl (perl-base is in the minimal image; it has no nc)
        Jlxc.Result srv = Jlxc.run(daemon.dataDir(), "exec", C, "--", "sh", "-c",
                "setsid perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalPort => 7000, Listen => 1, ReuseAddr => 1)"
                        + " or die; $c = $s->accept; $c->autoflush(1); while (<$c>) { print $c $_ }' </dev/null >/dev/null 2>&1 &");
        assertEquals(0, srv.exitCode(), srv::toString);
        try (Socket s = NicDevicesTest.connectWhenListening(ip, 7000)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            out.write("before\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("before", in.readLine());
            ok(action(C, Map.of("action", "stop", "stateful", true)));
            ok(action(C, Map.of("action", "start")));
            out.write("after\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("after", in.readLine(), "the connection survived the checkpoint and restore");
        }
        SystemdContainerTest.assertSystemRunning(C);
        JsonNode eth0 = state(C).path("network").path("eth0");
        assertEquals(mac, eth0.path("hwaddr").asText());
        assertEquals(ip, NicDevicesTest.awaitIpv4(C, "eth0"));
        ok(action(C, Map.of("action", "stop", "force", true)));
    }
}
