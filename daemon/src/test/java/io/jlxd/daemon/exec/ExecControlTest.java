package io.jlxd.daemon.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ExecControlTest {
    @Test
    void resizeWithStringsAsLxdSendsThem() {
        assertEquals(new ExecControl.Resize(80, 24),
                ExecControl.parse("{\"command\":\"window-resize\",\"args\":{\"width\":\"80\",\"height\":\"24\"}}"));
        assertEquals(new ExecControl.Resize(100, 30),
                ExecControl.parse("{\"command\":\"window-resize\",\"args\":{\"width\":100,\"height\":30}}"));
    }

    @Test
    void signal() {
        assertEquals(new ExecControl.Signal(15), ExecControl.parse("{\"command\":\"signal\",\"signal\":15}"));
    }

    @Test
    void badMessagesAreRefused() {
        for (String bad : new String[] {"", "nope", "[]", "{}", "{\"command\":\"reboot\"}",
                "{\"command\":\"signal\",\"signal\":0}", "{\"command\":\"signal\",\"signal\":\"x\"}",
                "{\"command\":\"window-resize\",\"args\":{\"width\":\"0\",\"height\":\"24\"}}",
                "{\"command\":\"window-resize\",\"args\":{\"width\":\"80\"}}"}) {
            assertThrows(IllegalArgumentException.class, () -> ExecControl.parse(bad), bad);
        }
    }
}
