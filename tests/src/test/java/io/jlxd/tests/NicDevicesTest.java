package io.jlxd.tests;

import static io.jlxd.tests.Instances.action;
import static io.jlxd.tests.Instances.create;
import static io.jlxd.tests.Instances.instance;
import static io.jlxd.tests.Instances.ok;
import static io.jlxd.tests.Instances.state;
import static io.jlxd.tests.ServerConfigApiTest.assertError;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * NIC devices end to end, on a test bridge with a real dnsmasq ({@link TestBridge}) and real unprivileged busybox
 * containers: DHCP leases, TCP between two containers and from the host, MACs kept across restarts (fixed and
 * generated), copies with a new MAC, hot-plug and removal on a running container, a stateful stop/start keeping
 * address, MAC and an open TCP connection, bad input refused with nothing created, and nothing left behind.
 * Traffic goes only to addresses on the test's own bridge.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NicDevicesTest extends DaemonTestBase {
    static final String C1 = "nic-a";
    static final String C2 = "nic-b";
    static final String FIXED_MAC = "00:16:3e:5a:17:01";
    static TestBridge br;
    static String fp;
    static final List<String> hostEnds = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        Instances.openTempRoot(daemon);
        br = TestBridge.create();
        fp = Instances.importImage(Instances.busyboxImage());
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

    static Map<String, String> nic(String... kv) {
        return nicOn(br, kv);
    }

    /** A bridged nic device on {@code bridge} with extra keys. */
    static Map<String, String> nicOn(TestBridge bridge, String... kv) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("type", "nic");
        d.put("nictype", "bridged");
        d.put("parent", bridge.name);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            d.put(kv[i], kv[i + 1]);
        }
        return d;
    }

    static Response createWith(String name, Map<String, Object> devices, boolean start) {
        return create(Map.of("name", name, "source", Map.of("type", "image", "fingerprint", fp), "devices", devices, "start", start));
    }

    static String sh(String name, String script) {
        Jlxc.Result r = Jlxc.run(daemon.dataDir(), "exec", name, "--", "sh", "-c", script);
        assertEquals(0, r.exitCode(), r::toString);
        return r.stdout().strip();
    }

    /** Waits for an IPv4 address on {@code ifname} in the instance's state; returns it. */
    static String awaitIpv4(String name, String ifname) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode a : state(name).path("network").path(ifname).path("addresses")) {
                if (a.path("family").asText().equals("inet")) {
                    return a.path("address").asText();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no IPv4 address on " + name + "/" + ifname + ": " + state(name).path("network"));
    }

    static String volatileKey(String name, String key) {
        return instance(name).path("config").path(key).asText(null);
    }

    static String httpGet(String url) throws Exception {
        try (HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            return r.body();
        }
    }

    @Test
    @Order(1)
    void badNicsAreRefusedAndNothingIsCreated() {
        Object[][] cases = {
                {nic("hwaddr", "01:16:3e:00:00:01"), "hwaddr"},
                {nic("hwaddr", "00:16:3e:00:00"), "hwaddr"},
                {nic("name", "a-name-too-long-x"), "15"},
                {nic("speed", "fast"), "speed"},
                {Map.of("type", "nic", "nictype", "bridged"), "parent"},
                {Map.of("type", "nic", "nictype", "macvlan", "parent", "eth0"), "macvlan"},
                {Map.of("type", "nic"), "network"},
                {Map.of("type", "nic", "network", "jtb-none"), "jtb-none"},
                {Map.of("type", "nic", "network", "n1", "parent", br.name), "parent"},
                {nic("mtu", "10"), "mtu"},
                {nic("ipv4.address", "10.1.2.300"), "ipv4.address"},
                {nic("ipv6.address", "10.1.2.3"), "ipv6.address"},
                {nic("host_name", "veth/x"), "host_name"},
        };
        for (Object[] c : cases) {
            assertError(createWith("nic-bad", Map.of("eth0", c[0]), false), 400, "eth0", (String) c[1]);
        }
        assertError(createWith("nic-bad", Map.of("eth0", nic(), "eth1", nic("name", "eth0")), false), 400, "eth0");
        assertError(create(Map.of("name", "nic-bad", "source", Map.of("type", "image", "fingerprint", fp),
                "config", Map.of("raw.lxc", "lxc.net.0.type = veth"))), 400, "lxc.net.0.type");
        Jlxc.Result launch = Jlxc.run(daemon.dataDir(), "launch", fp, "nic-bad", "--network", "jtb-nonet");
        assertEquals(1, launch.exitCode(), launch::toString);
        assertTrue(launch.stderr().contains("jtb-nonet") && launch.stderr().contains("not found"), launch::toString);
        assertEquals(404, given().when().get("/1.0/instances/nic-bad").statusCode());
        // a bridge that does not exist: created (stopped), the start fails naming it, and the instance stays stopped
        ok(createWith("nic-bad", Map.of("eth0", nic("parent", "jtb-missing")), false));
        JsonNode op = Instances.await(action("nic-bad", Map.of("action", "start")));
        assertEquals("Failure", op.get("status").asText(), op::toString);
        assertTrue(op.get("err").asText().contains("jtb-missing"), op::toString);
        assertEquals("Stopped", state("nic-bad").get("status").asText());
        ok(given().when().delete("/1.0/instances/nic-bad"));
    }

    @Test
    @Order(2)
    void twoContainersGetLeasesAndTalkAndTheHostReachesThem() throws Exception {
        ok(createWith(C1, Map.of("eth0", nic("hwaddr", FIXED_MAC)), true));
        ok(createWith(C2, Map.of("eth0", nic()), true));
        String ip1 = awaitIpv4(C1, "eth0");
        String ip2 = awaitIpv4(C2, "eth0");
        assertTrue(ip1.startsWith(br.prefix) && ip2.startsWith(br.prefix) && !ip1.equals(ip2), ip1 + " " + ip2);

        JsonNode eth0 = state(C1).path("network").path("eth0");
        assertEquals(FIXED_MAC, eth0.path("hwaddr").asText());
        String host1 = volatileKey(C1, "volatile.eth0.host_name");
        assertTrue(host1.matches("veth[0-9a-f]{8}"), host1);
        assertEquals(host1, eth0.path("host_name").asText());
        assertEquals("up", eth0.path("state").asText());
        String mac2 = volatileKey(C2, "volatile.eth0.hwaddr");
        assertTrue(mac2.matches("00:16:3e(:[0-9a-f]{2}){3}"), mac2);
        assertEquals(mac2, state(C2).path("network").path("eth0").path("hwaddr").asText());
        assertTrue(br.ports().contains(host1), br.ports()::toString);
        hostEnds.add(host1);
        hostEnds.add(volatileKey(C2, "volatile.eth0.host_name"));

        sh(C1, "mkdir -p /www && echo served-by-" + C1 + " >/www/index.html && httpd -p 80 -h /www");
        // busybox-static's wget crashes in a container (static NSS): a raw HTTP request with nc
        assertEquals("served-by-" + C1, sh(C2, "printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc " + ip1 + " 80 | tail -n 1"));
        assertEquals("served-by-" + C1, httpGet("http://" + ip1 + "/index.html").strip());
        assertTrue(state(C1).path("network").path("eth0").path("counters").path("bytes_received").asLong() > 0);

        Jlxc.Result list = Jlxc.run(daemon.dataDir(), "list", C1);
        assertEquals(0, list.exitCode(), list::toString);
        assertTrue(list.stdout().contains(ip1 + " (eth0)"), list.stdout());
    }

    @Test
    @Order(3)
    void macsAndHostNamesSurviveRestarts() throws Exception {
        String mac2 = volatileKey(C2, "volatile.eth0.hwaddr");
        String host2 = volatileKey(C2, "volatile.eth0.host_name");
        ok(action(C1, Map.of("action", "restart", "force", true)));
        ok(action(C2, Map.of("action", "stop", "force", true)));
        assertFalse(TestBridge.interfaceExists(host2), "the host end goes with a stopped container");
        ok(action(C2, Map.of("action", "start")));
        awaitIpv4(C1, "eth0");
        awaitIpv4(C2, "eth0");
        assertEquals(FIXED_MAC, state(C1).path("network").path("eth0").path("hwaddr").asText());
        assertEquals(mac2, state(C2).path("network").path("eth0").path("hwaddr").asText());
        assertEquals(mac2, volatileKey(C2, "volatile.eth0.hwaddr"));
        assertEquals(host2, state(C2).path("network").path("eth0").path("host_name").asText());
        assertTrue(br.ports().contains(host2), br.ports()::toString);
    }

    @Test
    @Order(4)
    void hotPlugAddsAndRemovesANicOfARunningContainer() throws Exception {
        Jlxc.Result add = Jlxc.run(daemon.dataDir(), "config", "device", "add", C2, "eth1", "nic", "nictype=bridged",
                "parent=" + br.name, "mtu=1400");
        assertEquals(0, add.exitCode(), add::toString);
        String mac = volatileKey(C2, "volatile.eth1.hwaddr");
        String host = volatileKey(C2, "volatile.eth1.host_name");
        String link = sh(C2, "ip link show eth1");
        assertTrue(link.contains(mac) && link.contains("mtu 1400") && link.contains("UP"), link);
        assertTrue(br.ports().contains(host), br.ports()::toString);
        JsonNode eth1 = state(C2).path("network").path("eth1");
        assertEquals(host, eth1.path("host_name").asText());
        // the new NIC works: DHCP on it from inside
        sh(C2, "udhcpc -i eth1 -s /usr/share/udhcpc/default.script -q -t 10 -T 1 -n >/dev/null 2>&1");
        assertTrue(awaitIpv4(C2, "eth1").startsWith(br.prefix));

        // a NIC whose name is taken inside is refused and nothing changes
        Response clash = given().contentType("application/json")
                .body(Instances.toJson(Map.of("devices", Map.of("eth9", nic("name", "lo"))))).when().patch("/1.0/instances/" + C2);
        assertError(clash, 400, "lo");
        assertFalse(instance(C2).path("devices").has("eth9"));
        assertEquals(List.of("eth0", "eth1", "lo"), ifnames(C2));

        Jlxc.Result rm = Jlxc.run(daemon.dataDir(), "config", "device", "remove", C2, "eth1");
        assertEquals(0, rm.exitCode(), rm::toString);
        assertEquals(List.of("eth0", "lo"), ifnames(C2));
        assertFalse(TestBridge.interfaceExists(host), "host end " + host + " left");
        assertFalse(br.ports().contains(host));
        assertEquals(null, volatileKey(C2, "volatile.eth1.hwaddr"));
    }

    static List<String> ifnames(String name) {
        List<String> out = new ArrayList<>();
        state(name).path("network").fieldNames().forEachRemaining(out::add);
        out.sort(null);
        return out;
    }

    @Test
    @Order(5)
    void statefulStopAndStartKeepAddressMacAndAnOpenConnection() throws Exception {
        String ip = awaitIpv4(C1, "eth0");
        sh(C1, "setsid nc -l -p 7000 -e cat </dev/null >/dev/null 2>&1 &");
        try (Socket s = connectWhenListening(ip, 7000)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            out.write("before\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("before", in.readLine());
            ok(action(C1, Map.of("action", "stop", "stateful", true)));
            assertEquals("Stopped", state(C1).get("status").asText());
            assertTrue(instance(C1).get("stateful").asBoolean());
            ok(action(C1, Map.of("action", "start")));
            out.write("after\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("after", in.readLine(), "the connection survived the checkpoint and restore");
        }
        JsonNode eth0 = state(C1).path("network").path("eth0");
        assertEquals(FIXED_MAC, eth0.path("hwaddr").asText());
        assertEquals(ip, awaitIpv4(C1, "eth0"));
        assertTrue(br.ports().contains(volatileKey(C1, "volatile.eth0.host_name")), br.ports()::toString);
    }

    /** Connects once the container's listener is up (retrying refused connections for a while). */
    static Socket connectWhenListening(String ip, int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(ip, port), 5000);
                return s;
            } catch (java.net.ConnectException e) {
                s.close();
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    @Order(6)
    void aStatefulSnapshotRestoreKeepsAddressAndMac() throws Exception {
        String ip = awaitIpv4(C1, "eth0");
        sh(C1, "mkdir -p /www && echo served-by-" + C1 + " >/www/index.html && httpd -p 80 -h /www");
        sh(C1, "setsid sleep 100000 </dev/null >/dev/null 2>&1 & echo $! >/tmp/marker");
        String marker = sh(C1, "cat /tmp/marker");
        Snapshots.take(C1, Map.of("name", "warm", "stateful", true));
        ok(Snapshots.restore(C1, "warm", true));
        assertEquals("Running", state(C1).get("status").asText());
        assertEquals(marker, sh(C1, "cat /tmp/marker && kill -0 $(cat /tmp/marker) && echo alive").split("\n")[0]);
        assertEquals(FIXED_MAC, state(C1).path("network").path("eth0").path("hwaddr").asText());
        assertEquals(ip, awaitIpv4(C1, "eth0"));
        assertTrue(br.ports().contains(volatileKey(C1, "volatile.eth0.host_name")), br.ports()::toString);
        // and the NIC carries traffic again
        assertEquals("served-by-" + C1, httpGet("http://" + ip + "/index.html").strip());
    }

    @Test
    @Order(7)
    void aCopyGetsANewMac() {
        ok(action(C2, Map.of("action", "stop", "force", true)));
        String mac = volatileKey(C2, "volatile.eth0.hwaddr");
        ok(create(Map.of("name", "nic-copy", "source", Map.of("type", "copy", "source", C2))));
        assertEquals(br.name, instance("nic-copy").path("devices").path("eth0").path("parent").asText(), "the source's NIC");
        String copyMac = volatileKey("nic-copy", "volatile.eth0.hwaddr");
        assertTrue(copyMac.matches("00:16:3e(:[0-9a-f]{2}){3}"), copyMac);
        assertNotEquals(mac, copyMac);
        assertNotEquals(volatileKey(C2, "volatile.eth0.host_name"), volatileKey("nic-copy", "volatile.eth0.host_name"));
        ok(given().when().delete("/1.0/instances/nic-copy"));
        // a rename (move) keeps the MAC
        ok(given().contentType("application/json").body("{\"name\":\"nic-moved\"}").when().post("/1.0/instances/" + C2));
        assertEquals(mac, volatileKey("nic-moved", "volatile.eth0.hwaddr"));
        ok(given().contentType("application/json").body("{\"name\":\"" + C2 + "\"}").when().post("/1.0/instances/nic-moved"));
    }

    @Test
    @Order(8)
    void deletingEverythingLeavesNoVeth() {
        for (String n : List.of(C1, C2)) {
            if (!state(n).get("status").asText().equals("Stopped")) {
                ok(action(n, Map.of("action", "stop", "force", true)));
            }
            ok(given().when().delete("/1.0/instances/" + n));
        }
        for (String h : hostEnds) {
            assertFalse(TestBridge.interfaceExists(h), "veth " + h + " left");
        }
        assertEquals(List.of(), br.ports());
        assertTrue(br.dnsmasqAlive());
    }
}
