package io.jlxd.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlxd.cli.CliException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigArgsTest {

    private static ConfigArgs parse(String... args) {
        return ConfigArgs.parse(List.of(args), () -> "from stdin");
    }

    @Test
    void keyEqualsValuePairsSetServerKeys() {
        ConfigArgs a = parse("core.https_address=[::]:8443", "user.note=a=b", "user.empty=");
        assertNull(a.target());
        assertEquals(Map.of("core.https_address", "[::]:8443", "user.note", "a=b", "user.empty", ""), a.keys());
        assertEquals(List.of("core.https_address", "user.note", "user.empty"), List.copyOf(a.keys().keySet()));
    }

    @Test
    void keySpaceValueIsTheLegacyForm() {
        ConfigArgs a = parse("core.shutdown_timeout", "10");
        assertNull(a.target());
        assertEquals(Map.of("core.shutdown_timeout", "10"), a.keys());
        // two arguments without "=" are a key and a value even when the key has no dot
        assertEquals(Map.of("foo", "bar"), parse("foo", "bar").keys());
    }

    @Test
    void aFirstArgumentThatIsNotAKeyIsAnInstance() {
        ConfigArgs a = parse("c1", "limits.cpu=2", "limits.memory=1GiB");
        assertEquals("c1", a.target());
        assertEquals(Map.of("limits.cpu", "2", "limits.memory", "1GiB"), a.keys());
        ConfigArgs legacy = parse("c1", "limits.cpu", "2");
        assertEquals("c1", legacy.target());
        assertEquals(Map.of("limits.cpu", "2"), legacy.keys());
    }

    @Test
    void dashReadsStdinUnlessInteractive() {
        assertEquals(Map.of("user.cert", "from stdin"), parse("user.cert=-").keys());
        assertEquals(Map.of("user.cert", "from stdin"), parse("user.cert", "-").keys());
        assertEquals(Map.of("user.cert", "-"), ConfigArgs.parse(List.of("user.cert=-"), null).keys());
    }

    @Test
    void invalidArguments() {
        assertEquals("Invalid key=value configuration: user.a",
                assertThrows(CliException.class, () -> parse("user.a")).getMessage());
        assertThrows(CliException.class, () -> parse("user.a=1", "user.b"));
        assertThrows(CliException.class, () -> parse("c1"));
        assertThrows(CliException.class, () -> ConfigArgs.parse(List.of(), null));
    }
}
