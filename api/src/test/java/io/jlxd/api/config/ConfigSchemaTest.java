package io.jlxd.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {
    private final ConfigSchema schema = ServerConfigKeys.SCHEMA;

    @Test
    void acceptsKnownKeysAndNamespaces() {
        schema.validate(Map.of("core.https_address", "127.0.0.1:8443", "user.note", "anything", "core.shutdown_timeout", "10"));
        schema.validate(Map.of("core.https_address", ""));
    }

    @Test
    void refusesUnknownKeysNamingThem() {
        ConfigException e = assertThrows(ConfigException.class, () -> schema.validate(Map.of("core.bogus", "1")));
        assertTrue(e.getMessage().contains("core.bogus"), e.getMessage());
        assertThrows(ConfigException.class, () -> schema.validate(Map.of("user.", "1")));
    }

    @Test
    void refusesBadValues() {
        assertThrows(ConfigException.class, () -> schema.validate(Map.of("core.https_address", "127.0.0.1:99999")));
        assertThrows(ConfigException.class, () -> schema.validate(Map.of("core.https_address", "::1:8443")));
        assertThrows(ConfigException.class, () -> schema.validate(Map.of("core.https_address", "a b:1")));
        assertThrows(ConfigException.class, () -> schema.validate(Map.of("core.shutdown_timeout", "ten")));
    }

    @Test
    void parsesListenAddresses() {
        assertEquals(new ValueType.ListenAddress("127.0.0.1", 8443), ValueType.ListenAddress.parse("127.0.0.1"));
        assertEquals(new ValueType.ListenAddress("::", 9000), ValueType.ListenAddress.parse(":9000"));
        assertEquals(new ValueType.ListenAddress("::1", 8444), ValueType.ListenAddress.parse("[::1]:8444"));
    }

    @Test
    void validatesDurationsAndBooleans() {
        ValueType.DURATION.validate("k", "10m");
        ValueType.BOOL.validate("k", "true");
        assertThrows(ConfigException.class, () -> ValueType.DURATION.validate("k", "soon"));
        assertThrows(ConfigException.class, () -> ValueType.BOOL.validate("k", "maybe"));
    }
}
