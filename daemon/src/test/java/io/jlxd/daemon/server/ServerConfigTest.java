package io.jlxd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlxd.api.config.ConfigException;
import io.jlxd.daemon.db.ConfigTable;
import io.jlxd.daemon.db.Database;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server config against a real SQLite file: validation, persistence, and revert on a refused apply. */
class ServerConfigTest {
    @TempDir
    Path dir;

    @Test
    void storesPatchesAndUnsetsAcrossReopen() throws Exception {
        try (Database db = Database.open(dir.resolve("a.db"))) {
            ServerConfig config = new ServerConfig(new ConfigTable(db));
            config.patch(Map.of("user.a", "1", "core.shutdown_timeout", "9"));
            config.patch(Map.of("user.a", ""));
            assertEquals(Map.of("core.shutdown_timeout", "9"), config.get());
            assertEquals("", config.get("core.https_address"));
        }
        try (Database db = Database.open(dir.resolve("a.db"))) {
            assertEquals(Map.of("core.shutdown_timeout", "9"), new ServerConfig(new ConfigTable(db)).get());
        }
    }

    @Test
    void invalidConfigChangesNothing() throws Exception {
        try (Database db = Database.open(dir.resolve("b.db"))) {
            ServerConfig config = new ServerConfig(new ConfigTable(db));
            config.replace(Map.of("user.keep", "yes"));
            assertThrows(ConfigException.class, () -> config.replace(Map.of("user.keep", "yes", "core.nope", "1")));
            assertThrows(ConfigException.class, () -> config.patch(Map.of("core.shutdown_timeout", "soon")));
            assertEquals(Map.of("user.keep", "yes"), config.get());
            assertEquals(Map.of("user.keep", "yes"), new ConfigTable(db).load());
        }
    }

    @Test
    void refusedApplyRevertsEarlierAppliersAndStoresNothing() throws Exception {
        try (Database db = Database.open(dir.resolve("c.db"))) {
            ServerConfig config = new ServerConfig(new ConfigTable(db));
            List<String> applied = new ArrayList<>();
            config.addApplier((before, after) -> applied.add(after.getOrDefault("user.x", "-")));
            config.addApplier((before, after) -> {
                if ("bad".equals(after.get("user.x"))) {
                    throw new IllegalStateException("refused");
                }
            });
            config.patch(Map.of("user.x", "good"));
            assertThrows(IllegalStateException.class, () -> config.patch(Map.of("user.x", "bad")));
            assertEquals(List.of("good", "bad", "good"), applied);
            assertEquals(Map.of("user.x", "good"), config.get());
            assertEquals(Map.of("user.x", "good"), new ConfigTable(db).load());
        }
    }
}
