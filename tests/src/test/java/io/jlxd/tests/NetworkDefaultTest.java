package io.jlxd.tests;

import static io.jlxd.tests.NetworksApiTest.get;
import static io.jlxd.tests.NetworksApiTest.put;
import static io.jlxd.tests.NetworksApiTest.status;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The default network of a first start (jlxdbrN with eth0 in the default profile), {@code --network none}, and two
 * daemons on one host that each get a bridge, table and dnsmasq of their own.
 */
class NetworkDefaultTest extends DaemonTestBase {

    private static String managed() {
        for (JsonNode n : get("/1.0/networks?recursion=1")) {
            if (n.get("managed").asBoolean()) {
                return n.get("name").asText();
            }
        }
        return null;
    }

    /** Removes eth0 from the default profile and deletes the network; asserts that nothing is left. */
    private static void removeDefault(JlxdDaemon d, String name) {
        useSocket(d);
        status(200, put("/1.0/profiles/default", Map.of("description", "Default jlxd profile", "config", Map.of(),
                "devices", Map.of("root", Map.of("type", "disk", "path", "/", "pool", "default")))));
        status(200, given().when().delete("/1.0/networks/" + name));
        assertFalse(HostNet.linkExists(name), name + " removed");
        assertFalse(HostNet.nftTable(name));
        HostNet.await(() -> HostNet.dnsmasqUnder(d.dataDir()).isEmpty(), Duration.ofSeconds(30), "dnsmasq gone");
    }

    @Test
    void firstStartCreatesTheDefaultNetworkUnlessToldNot() {
        // the suite's daemons start with --network none: no network, no eth0
        assertEquals(null, managed());
        assertFalse(get("/1.0/profiles/default").get("devices").has("eth0"));

        daemon.close();
        daemon = JlxdDaemon.startWithDefaultNetwork(List.of());
        JlxdDaemon second = null;
        String name = null;
        String name2 = null;
        try {
            useSocket(daemon);
            name = managed();
            assertTrue(name != null && name.matches("jlxdbr\\d+"), "default network " + name);
            JsonNode n = get("/1.0/networks/" + name);
            assertTrue(n.get("config").get("ipv4.address").asText().matches("10\\.\\d+\\.\\d+\\.1/24"), n.toString());
            assertTrue(n.get("config").get("ipv6.address").asText().startsWith("fd42:"), n.toString());
            assertEquals("true", n.get("config").get("ipv4.nat").asText());
            assertEquals("true", n.get("config").get("ipv6.nat").asText());
            assertEquals(List.of("/1.0/profiles/default"), List.of(n.get("used_by").get(0).asText()));
            JsonNode eth0 = get("/1.0/profiles/default").get("devices").get("eth0");
            assertEquals("nic", eth0.get("type").asText());
            assertEquals(name, eth0.get("network").asText());
            assertEquals("eth0", eth0.get("name").asText());
            Response inUse = given().when().delete("/1.0/networks/" + name);
            assertEquals(409, inUse.statusCode(), inUse.asString());
            assertTrue(inUse.asString().contains("profile default"), inUse.asString());
            assertTrue(HostNet.linkExists(name));

            // a second daemon on the same host takes the next free name, its own table and dnsmasq
            second = JlxdDaemon.startWithDefaultNetwork(List.of());
            useSocket(second);
            name2 = managed();
            assertNotEquals(name, name2);
            assertTrue(HostNet.linkExists(name2) && HostNet.nftTable(name2) && HostNet.nftTable(name));
            assertNotEquals(get("/1.0/networks/" + name2).get("config").get("ipv4.address").asText(),
                    n.get("config").get("ipv4.address").asText());
            assertEquals(1, HostNet.dnsmasqUnder(second.dataDir()).size());
            assertEquals(1, HostNet.dnsmasqUnder(daemon.dataDir()).size());

            // a restart does not create another default network
            daemon.restart();
            useSocket(daemon);
            assertEquals(name, managed());
            assertTrue(Files.exists(daemon.dataDir().resolve("networks").resolve(name).resolve("dnsmasq.conf")));

            removeDefault(second, name2);
            name2 = null;
            removeDefault(daemon, name);
            name = null;
        } finally {
            for (String leftover : new String[] {name, name2}) {
                if (leftover != null) {
                    HostNet.exec("ip", "link", "delete", leftover);
                    HostNet.exec("nft", "delete", "table", "inet", "jlxd-" + leftover);
                }
            }
            if (second != null) {
                HostNet.dnsmasqUnder(second.dataDir()).forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroy));
                second.close();
            }
            HostNet.dnsmasqUnder(daemon.dataDir()).forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroy));
            useSocket(daemon);
        }
    }
}
