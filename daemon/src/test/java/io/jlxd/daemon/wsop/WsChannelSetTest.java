package io.jlxd.daemon.wsop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WsChannelSetTest {
    @Test
    void eachChannelHasItsOwnRandomSecret() {
        WsChannelSet set = new WsChannelSet(List.of("0", "1", "2", "control"));
        Map<String, String> fds = set.fds();
        assertEquals(4, fds.size());
        assertEquals(4, new HashSet<>(fds.values()).size());
        fds.values().forEach(s -> assertTrue(s.matches("[0-9a-f]{64}"), s));
        assertNotEquals(fds, new WsChannelSet(List.of("0", "1", "2", "control")).fds());
    }

    @Test
    void secretClaimsItsChannelOnce() throws Exception {
        WsChannelSet set = new WsChannelSet(List.of("0", "control"));
        assertNull(set.claim("wrong"));
        assertNull(set.claim(null));
        assertNull(set.claim(""));
        WsChannel zero = set.claim(set.fds().get("0"));
        assertSame(set.channel("0"), zero);
        assertNull(set.claim(set.fds().get("0")), "second connection with the same secret");
        set.opened(zero);
        // control is optional, as in LXD (pylxd never opens it): the work may start
        assertTrue(set.awaitConnected(Duration.ofMillis(50)));
        assertSame(set.channel("control"), set.claim(set.fds().get("control")));
        set.opened(set.channel("control"));
        assertTrue(set.awaitConnected(Duration.ofMillis(50)));
    }

    @Test
    void waitsForEveryChannelButControl() throws Exception {
        WsChannelSet set = new WsChannelSet(List.of("0", "1", "2", "control"));
        set.opened(set.claim(set.fds().get("0")));
        set.opened(set.claim(set.fds().get("control")));
        set.opened(set.claim(set.fds().get("1")));
        assertFalse(set.awaitConnected(Duration.ofMillis(50)));
        set.opened(set.claim(set.fds().get("2")));
        assertTrue(set.awaitConnected(Duration.ofMillis(50)));
    }

    @Test
    void operationIdFromPath() {
        assertEquals("abc", OperationSocket.operationId("/1.0/operations/abc/websocket"));
        assertNull(OperationSocket.operationId("/1.0/operations//websocket"));
        assertNull(OperationSocket.operationId("/1.0/operations/a/b/websocket"));
        assertNull(OperationSocket.operationId("/1.0/events"));
    }

    @Test
    void closedChannelEndsInput() throws Exception {
        WsChannelSet set = new WsChannelSet(List.of("0"));
        WsChannel c = set.channel("0");
        c.received(new WsChannel.Message(new byte[] {1}, null, false));
        set.closeAll();
        assertEquals(1, c.take().data().length);
        assertTrue(c.take().end());
    }
}
