package io.jlxd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.daemon.http.ApiException;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyDeviceTest {
    static ProxyDevice parse(String listen, String connect) {
        return ProxyDevice.parse("web", Map.of("type", "proxy", "listen", listen, "connect", connect));
    }

    static String refusal(Map<String, String> d) {
        ApiException e = assertThrows(ApiException.class, () -> ProxyDevice.parse("web", d));
        return e.getMessage();
    }

    @Test
    void tcpUdpAndIpv6() {
        ProxyDevice p = parse("tcp:0.0.0.0:8080", "tcp:127.0.0.1:80");
        assertEquals("tcp", p.protocol());
        assertEquals(new InetSocketAddress("0.0.0.0", 8080), p.listen());
        assertEquals(new InetSocketAddress("127.0.0.1", 80), p.connect());
        assertEquals("udp", parse("udp:127.0.0.1:53", "udp:127.0.0.1:53").protocol());
        assertEquals(8443, parse("tcp:[::1]:8443", "tcp:[::1]:443").listen().getPort());
    }

    @Test
    void refusals() {
        assertTrue(refusal(Map.of("type", "proxy", "listen", "tcp:0.0.0.0:80")).contains("connect"));
        assertTrue(refusal(Map.of("type", "proxy", "listen", "tcp:0.0.0.0:80", "connect", "udp:127.0.0.1:80")).contains("protocol"));
        assertTrue(refusal(Map.of("type", "proxy", "listen", "tcp:0.0.0.0:80-90", "connect", "tcp:127.0.0.1:80")).contains("range"));
        assertTrue(refusal(Map.of("type", "proxy", "listen", "tcp:0.0.0.0:0", "connect", "tcp:127.0.0.1:80")).contains("range"));
        assertTrue(refusal(Map.of("type", "proxy", "listen", "tcp:host:80", "connect", "tcp:127.0.0.1:80")).contains("not an IP"));
        assertTrue(refusal(Map.of("type", "proxy", "listen", "tcp:::1:80", "connect", "tcp:127.0.0.1:80")).contains("brackets"));
        assertTrue(refusal(Map.of("type", "proxy", "listen", "unix:/x", "connect", "tcp:127.0.0.1:80")).contains("unix"));
        assertTrue(refusal(Map.of("type", "proxy", "listen", "tcp:0.0.0.0:80", "connect", "tcp:127.0.0.1:80", "bind", "instance"))
                .contains("instance"));
        assertTrue(refusal(Map.of("type", "proxy", "listen", "tcp:0.0.0.0:80", "connect", "tcp:127.0.0.1:80", "nat", "true"))
                .contains("nat"));
    }
}
