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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Proxy devices end to end with a real unprivileged busybox container (no NIC: the proxy connects inside the
 * container's own network namespace, to its loopback): TCP to busybox httpd and UDP to an echo server in the
 * container's namespace, through host loopback ports; hot-plug and removal; listeners follow stop/start and come
 * back after a daemon restart; bad input refused with nothing added.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProxyDevicesTest extends DaemonTestBase {
    static final String C = "px-a";
    static int tcpPort;
    static int udpPort;
    static Process udpEcho;

    @BeforeAll
    static void launch() throws IOException {
        Instances.openTempRoot(daemon);
        String fp = Instances.importImage(Instances.busyboxImage());
        ok(create(Map.of("name", C, "source", Map.of("type", "image", "fingerprint", fp), "start", true)));
        tcpPort = freePort();
        udpPort = freePort();
    }

    @AfterAll
    static void cleanup() {
        if (udpEcho != null) {
            udpEcho.destroyForcibly();
        }
        Instances.cleanup(daemon);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String sh(String name, String script) {
        Jlxc.Result r = Jlxc.run(daemon.dataDir(), "exec", name, "--", "sh", "-c", script);
        assertEquals(0, r.exitCode(), r::toString);
        return r.stdout().strip();
    }

    static Response patchDevices(Map<String, Object> devices) {
        return given().contentType("application/json").body(Instances.toJson(Map.of("devices", devices)))
                .when().patch("/1.0/instances/" + C);
    }

    /** One HTTP GET through the proxy with a raw socket; the body. */
    static String get(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String resp = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return resp.substring(resp.indexOf("\r\n\r\n") + 4).strip();
        }
    }

    /** Waits until GET through the proxy answers (the container's httpd may still be starting). */
    static String awaitGet(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                String body = get(port);
                if (!body.isEmpty()) {
                    return body;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no answer through port " + port);
            }
            Thread.sleep(50);
        }
    }

    static void startHttpd() {
        sh(C, "mkdir -p /www && echo proxied-" + C + " >/www/index.html && (httpd -p 127.0.0.1:80 -h /www || true)");
    }

    @Test
    @Order(1)
    void badProxiesAreRefusedAndNothingIsAdded() throws IOException {
        Object[][] cases = {
                {Map.of("type", "proxy", "listen", "tcp:127.0.0.1:" + tcpPort), "connect"},
                {Map.of("type", "proxy", "listen", "tcp:127.0.0.1:" + tcpPort, "connect", "udp:127.0.0.1:80"), "protocol"},
                {Map.of("type", "proxy", "listen", "tcp:127.0.0.1:8000-8010", "connect", "tcp:127.0.0.1:80"), "range"},
                {Map.of("type", "proxy", "listen", "tcp:localhost:" + tcpPort, "connect", "tcp:127.0.0.1:80"), "localhost"},
                {Map.of("type", "proxy", "listen", "unix:/tmp/x.sock", "connect", "tcp:127.0.0.1:80"), "unix"},
                {Map.of("type", "proxy", "listen", "tcp:127.0.0.1:" + tcpPort, "connect", "tcp:127.0.0.1:80", "bind", "instance"), "instance"},
                {Map.of("type", "proxy", "listen", "tcp:127.0.0.1:" + tcpPort, "connect", "tcp:127.0.0.1:80", "nat", "true"), "nat"},
                {Map.of("type", "proxy", "listen", "tcp:127.0.0.1:70000", "connect", "tcp:127.0.0.1:80"), "70000"},
        };
        for (Object[] c : cases) {
            assertError(patchDevices(Map.of("web", c[0])), 400, "web", (String) c[1]);
        }
        // the listen address is taken on the host: refused, and the device is not added
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertError(patchDevices(Map.of("web", Map.of("type", "proxy", "listen", "tcp:127.0.0.1:" + taken.getLocalPort(),
                    "connect", "tcp:127.0.0.1:80"))), 400, "web");
        }
        assertFalse(instance(C).path("devices").has("web"));
    }

    @Test
    @Order(2)
    void tcpProxyDeliversAHostPortToAContainerService() throws Exception {
        startHttpd();
        Jlxc.Result add = Jlxc.run(daemon.dataDir(), "config", "device", "add", C, "web", "proxy",
                "listen=tcp:127.0.0.1:" + tcpPort, "connect=tcp:127.0.0.1:80");
        assertEquals(0, add.exitCode(), add::toString);
        assertEquals("proxied-" + C, awaitGet(tcpPort));
        // several connections at once
        for (int i = 0; i < 5; i++) {
            assertEquals("proxied-" + C, get(tcpPort));
        }
    }

    @Test
    @Order(3)
    void udpProxyDeliversDatagramsBothWays() throws Exception {
        long pid = state(C).get("pid").asLong();
        // a UDP echo server in the container's network namespace (a host python entering it with nsenter)
        udpEcho = new ProcessBuilder("nsenter", "--net=/proc/" + pid + "/ns/net", "--", "python3", "-c",
                "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('127.0.0.1',5353))\n"
                        + "while True:\n d,a=s.recvfrom(2048)\n s.sendto(b'echo:'+d,a)\n")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Response r = patchDevices(Map.of("dns", Map.of("type", "proxy", "listen", "udp:127.0.0.1:" + udpPort,
                "connect", "udp:127.0.0.1:5353")));
        assertEquals(200, r.statusCode(), r::asString);
        assertEquals("echo:ping", udpRoundTrip("ping"));
        assertEquals("echo:again", udpRoundTrip("again"));
    }

    static String udpRoundTrip(String msg) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(500);
            byte[] out = msg.getBytes(StandardCharsets.UTF_8);
            while (true) {
                s.send(new DatagramPacket(out, out.length, InetAddress.getLoopbackAddress(), udpPort));
                DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
                try {
                    s.receive(in);
                    return new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
                } catch (java.net.SocketTimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw e; // the echo server may still be starting: retried until then
                    }
                }
            }
        }
    }

    @Test
    @Order(4)
    void listenersFollowStopStartAndComeBackAfterADaemonRestart() throws Exception {
        ok(action(C, Map.of("action", "stop", "force", true)));
        assertThrows(ConnectException.class, () -> get(tcpPort), "no listener while stopped");
        ok(action(C, Map.of("action", "start")));
        startHttpd();
        assertEquals("proxied-" + C, awaitGet(tcpPort));

        assertEquals(0, daemon.restart(), daemon::stderr);
        useSocket(daemon);
        assertEquals("Running", state(C).get("status").asText());
        assertEquals("proxied-" + C, awaitGet(tcpPort));
    }

    @Test
    @Order(5)
    void removingTheDeviceClosesTheListener() throws Exception {
        Jlxc.Result rm = Jlxc.run(daemon.dataDir(), "config", "device", "remove", C, "web");
        assertEquals(0, rm.exitCode(), rm::toString);
        assertThrows(ConnectException.class, () -> get(tcpPort));
        if (udpEcho != null) {
            udpEcho.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(instance(C).path("devices").has("dns"));
    }
}
