package io.jlxd.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.api.instance.Names;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceConfigKeysTest {
    @Test
    void acceptsTheDocumentedKeys() {
        InstanceConfigKeys.validateUser(Map.of("limits.cpu", "0-1,3", "limits.memory", "256MiB", "limits.processes", "100",
                "security.privileged", "true", "environment.FOO", "bar", "raw.lxc", "lxc.prlimit.nofile = 1024\n", "user.x", "y"));
        InstanceConfigKeys.validateUser(Map.of("limits.memory", "50%", "limits.cpu", "2"));
    }

    @Test
    void refusesVolatileUnknownAndBadValues() {
        assertTrue(assertThrows(ConfigException.class, () -> InstanceConfigKeys.validateUser(Map.of("volatile.uuid", "x")))
                .getMessage().contains("owned by the daemon"));
        assertThrows(ConfigException.class, () -> InstanceConfigKeys.validateUser(Map.of("limits.bogus", "1")));
        assertThrows(ConfigException.class, () -> InstanceConfigKeys.validateUser(Map.of("limits.memory", "lots")));
        assertThrows(ConfigException.class, () -> InstanceConfigKeys.validateUser(Map.of("limits.memory", "1kB")));
        assertThrows(ConfigException.class, () -> InstanceConfigKeys.validateUser(Map.of("limits.cpu", "two")));
        assertThrows(ConfigException.class, () -> InstanceConfigKeys.validateUser(Map.of("raw.lxc", "lxc.apparmor.profile = unconfined")));
        assertThrows(ConfigException.class, () -> InstanceConfigKeys.validateUser(Map.of("raw.lxc", "lxc.rootfs.path = /")));
        assertThrows(ConfigException.class, () -> InstanceConfigKeys.validateUser(Map.of("raw.lxc", "not a line")));
    }

    @Test
    void parsesSizes() {
        assertEquals(512L << 20, Sizes.parseBytes("512MiB"));
        assertEquals(2_000_000_000L, Sizes.parseBytes("2GB"));
        assertEquals(1234, Sizes.parseBytes("1234"));
        assertEquals(-5000, Sizes.parseMemory("50%"));
    }

    @Test
    void validatesNamesLikeLxd() {
        Names.instance("c1");
        Names.instance("web-01");
        Names.instance("a".repeat(63));
        for (String bad : new String[] {"", "1abc", "-abc", "abc-", "a_b", "a.b", "a/b", "..", "a".repeat(64)}) {
            assertThrows(IllegalArgumentException.class, () -> Names.instance(bad), bad);
        }
        Names.profile("default");
        assertThrows(IllegalArgumentException.class, () -> Names.profile("a/b"));
        assertThrows(IllegalArgumentException.class, () -> Names.profile(".."));
    }
}
