package io.jlxd.tests;

import static io.jlxd.tests.Instances.action;
import static io.jlxd.tests.Instances.create;
import static io.jlxd.tests.Instances.ok;
import static io.jlxd.tests.NicDevicesTest.awaitIpv4;
import static io.jlxd.tests.NicDevicesTest.connectWhenListening;
import static io.jlxd.tests.NicDevicesTest.sh;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Managed networks and NIC devices together, end to end: a managed bridge (its own dnsmasq and nftables table), two
 * busybox containers with `network:` NICs get DHCP leases (one a static reservation), resolve each other by name
 * through the network's DNS and exchange TCP; the host reaches a container's service; a stateful stop/start keeps
 * the address and an open connection; the network refuses deletion while used; deleting everything leaves no
 * bridge, table, dnsmasq or veth. Traffic goes only to the bridge this test creates.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagedNetworkInstancesTest extends DaemonTestBase {
    static final String NET = "jti0";
    static final String DOMAIN = "jtnet";
    static String fp;
    static String gateway;
    static String reserved;
    static final List<String> hostEnds = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        Instances.openTempRoot(daemon);
        fp = Instances.importImage(Instances.busyboxImage());
        Response r = given().contentType("application/json").body(Instances.toJson(Map.of("name", NET, "config",
                Map.of("ipv4.address", "auto", "ipv6.address", "none", "dns.domain", DOMAIN)))).when().post("/1.0/networks");
        assertEquals(200, r.statusCode(), r::asString);
        String cidr = Instances.json(given().when().get("/1.0/networks/" + NET)).get("metadata").get("config").get("ipv4.address").asText();
        gateway = cidr.substring(0, cidr.indexOf('/'));
        reserved = gateway.substring(0, gateway.lastIndexOf('.') + 1) + "200";
    }

    @AfterAll
    static void tearDown() {
        Instances.cleanup(daemon);
        given().when().delete("/1.0/networks/" + NET);
    }

    static Map<String, Object> nic(String... extra) {
        Map<String, Object> d = new java.util.TreeMap<>(Map.of("type", "nic", "network", NET, "name", "eth0"));
        for (int i = 0; i < extra.length; i += 2) {
            d.put(extra[i], extra[i + 1]);
        }
        return d;
    }

    static void launch(String name, Map<String, Object> eth0) {
        ok(create(Map.of("name", name, "source", Map.of("type", "image", "fingerprint", fp), "devices", Map.of("eth0", eth0),
                "start", true)));
    }

    @Test
    @Order(1)
    void twoContainersGetLeasesResolveEachOtherAndTalk() throws Exception {
        launch("mn-a", nic());
        launch("mn-b", nic("ipv4.address", reserved));
        String a = awaitIpv4("mn-a", "eth0");
        String b = awaitIpv4("mn-b", "eth0");
        assertEquals(reserved, b, "the static reservation is honoured");
        assertTrue(a.startsWith(gateway.substring(0, gateway.lastIndexOf('.') + 1)), a + " in " + gateway + "/24");
        hostEnds.add(Instances.instance("mn-a").path("config").path("volatile.eth0.host_name").asText());
        hostEnds.add(Instances.instance("mn-b").path("config").path("volatile.eth0.host_name").asText());

        // leases name both instances with their MACs
        HostNet.await(() -> {
            JsonNode leases = Instances.json(given().when().get("/1.0/networks/" + NET + "/leases")).get("metadata");
            int found = 0;
            for (JsonNode l : leases) {
                String host = l.path("hostname").asText();
                if (host.equals("mn-a") && l.path("address").asText().equals(a)
                        || host.equals("mn-b") && l.path("address").asText().equals(b)) {
                    found++;
                }
            }
            return found == 2;
        }, Duration.ofSeconds(30), "leases of mn-a and mn-b");

        // names through the network's DNS, then TCP by name
        HostNet.await(() -> Jlxc.run(daemon.dataDir(), "exec", "mn-a", "--", "nslookup", "mn-b." + DOMAIN).stdout().contains(b),
                Duration.ofSeconds(30), "mn-b." + DOMAIN + " resolves to " + b + " from mn-a");
        sh("mn-b", "setsid nc -l -p 7000 -e cat </dev/null >/dev/null 2>&1 &");
        // (busybox-static's own getaddrinfo needs glibc's NSS modules, which the image lacks: nslookup does the lookup)
        HostNet.await(() -> Jlxc.run(daemon.dataDir(), "exec", "mn-a", "--", "sh", "-c",
                "echo ping-by-name | nc -w 2 $(nslookup mn-b." + DOMAIN + " | awk '/^Address/ {a=$NF} END {print a}') 7000")
                .stdout().contains("ping-by-name"), Duration.ofSeconds(30), "TCP from mn-a to mn-b, found by name");

        // the host reaches a container's service on the bridge
        sh("mn-a", "setsid nc -ll -p 8000 -e echo from-mn-a </dev/null >/dev/null 2>&1 &");
        try (Socket s = connectWhenListening(a, 8000)) {
            s.setSoTimeout(10_000);
            assertEquals("from-mn-a", new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine());
        }

        // jlxc list shows the addresses as lxc does
        Jlxc.Result list = Jlxc.run(daemon.dataDir(), "list", "--format", "csv");
        assertTrue(list.stdout().contains(a + " (eth0)") && list.stdout().contains(b + " (eth0)"), list::toString);

        // in use: no deletion, the users named
        Response del = given().when().delete("/1.0/networks/" + NET);
        assertEquals(409, del.statusCode());
        assertTrue(del.asString().contains("mn-a") && del.asString().contains("mn-b"), del::asString);
    }

    @Test
    @Order(2)
    void statefulStopAndStartKeepTheLeaseAndAnOpenConnection() throws Exception {
        String a = awaitIpv4("mn-a", "eth0");
        sh("mn-a", "setsid nc -l -p 7100 -e cat </dev/null >/dev/null 2>&1 &");
        try (Socket s = connectWhenListening(a, 7100)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            out.write("before\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("before", in.readLine());
            ok(action("mn-a", Map.of("action", "stop", "stateful", true)));
            ok(action("mn-a", Map.of("action", "start")));
            out.write("after\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("after", in.readLine(), "the connection survived the checkpoint and restore");
        }
        assertEquals(a, awaitIpv4("mn-a", "eth0"));
    }

    @Test
    @Order(3)
    void deletingEverythingLeavesNothingBehind() {
        for (String c : new String[] {"mn-a", "mn-b"}) {
            ok(action(c, Map.of("action", "stop", "force", true)));
            ok(given().when().delete("/1.0/instances/" + c));
        }
        for (String veth : hostEnds) {
            assertFalse(HostNet.linkExists(veth), "veth " + veth + " removed");
        }
        Response del = given().when().delete("/1.0/networks/" + NET);
        assertEquals(200, del.statusCode(), del::asString);
        assertFalse(HostNet.linkExists(NET), "bridge removed");
        assertFalse(HostNet.nftTable(NET), "nft table removed");
        assertTrue(HostNet.dnsmasqUnder(daemon.dataDir()).isEmpty(), "no dnsmasq left");
    }
}
