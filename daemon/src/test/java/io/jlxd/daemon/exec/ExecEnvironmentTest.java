package io.jlxd.daemon.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecEnvironmentTest {
    @Test
    void rootGetsLxdDefaults() {
        Map<String, String> env = ExecEnvironment.build(Map.of(), null, 0, false);
        assertEquals(ExecEnvironment.PATH, env.get("PATH"));
        assertEquals("/root", env.get("HOME"));
        assertEquals("root", env.get("USER"));
        assertEquals("C.UTF-8", env.get("LANG"));
        assertFalse(env.containsKey("TERM"));
    }

    @Test
    void otherUsersGetNoRootHome() {
        Map<String, String> env = ExecEnvironment.build(Map.of(), Map.of(), 1000, false);
        assertFalse(env.containsKey("HOME"));
        assertFalse(env.containsKey("USER"));
    }

    @Test
    void instanceKeysThenRequestWin() {
        Map<String, String> env = ExecEnvironment.build(
                Map.of("environment.FOO", "inst", "environment.BAR", "inst", "limits.cpu", "2", "environment.", "x"),
                Map.of("BAR", "req", "PATH", "/bin"), 0, true);
        assertEquals("inst", env.get("FOO"));
        assertEquals("req", env.get("BAR"));
        assertEquals("/bin", env.get("PATH"));
        assertEquals("xterm", env.get("TERM"));
        assertFalse(env.containsKey("limits.cpu"));
        assertFalse(env.containsKey(""));
    }
}
