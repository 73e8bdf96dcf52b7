package io.jlxd.cli.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RemoteAddressTest {

    @Test
    void acceptsWhatUsersType() {
        assertEquals("https://host2:8443", RemoteAddress.parse("host2").url());
        assertEquals("https://host2.example.org:9443", RemoteAddress.parse("host2.example.org:9443").url());
        assertEquals("https://10.0.0.1:8443", RemoteAddress.parse("https://10.0.0.1:8443/").url());
        assertEquals("https://[fd00::1]:8443", RemoteAddress.parse("fd00::1").url());
        assertEquals("https://[::1]:1234", RemoteAddress.parse("[::1]:1234").url());
        RemoteAddress v6 = RemoteAddress.parse("[::1]:1234");
        assertEquals("::1", v6.host());
        assertEquals(1234, v6.port());
        assertTrue(RemoteAddress.parse("unix://").isUnix());
        assertEquals("/run/x.socket", RemoteAddress.parse("unix:///run/x.socket").socketPath());
    }

    @Test
    void refusesTheRest() {
        for (String bad : new String[] {"", "  ", "host:0", "host:65536", "host:x", "ftp://host", "[::1", "[::1]x",
            "[host]:1", "bad host", "-host", "host_name", "999.1.1.1", "a..b", "unix://relative", "1.2.3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RemoteAddress.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("Invalid remote address"), e.getMessage());
        }
    }
}
