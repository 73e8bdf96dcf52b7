package io.jlxd.daemon.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot rows, the scheduler's slots and the restore journal on a real SQLite file with the real migrations. */
class SnapshotTableTest {
    @TempDir
    Path dir;

    private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-03-01T10:00:00Z");

    private static SnapshotTable.Row snap(String instance, String name, OffsetDateTime at, boolean scheduled) {
        return new SnapshotTable.Row(instance, name, at, null, false, scheduled, "x86_64", false, "",
                Map.of("user.a", "1", "volatile.idmap.base", "1000000"), Map.of("root", Map.of("type", "disk", "path", "/", "pool", "default")),
                List.of("default"));
    }

    @Test
    void rowsSlotsAndJournal() throws Exception {
        try (Database db = Database.open(dir.resolve("local.db"))) {
            InstanceTable instances = new InstanceTable(db);
            instances.create(new InstanceTable.Row("c1", "x86_64", false, false, "", T0, T0, Map.of(), Map.of(), Map.of(), List.of("default")));
            SnapshotTable t = new SnapshotTable(db);

            assertTrue(t.create(snap("c1", "b", T0.plusSeconds(1), false), null));
            assertTrue(t.create(snap("c1", "a", T0.plusNanos(500_000_000), true), T0));
            assertFalse(t.create(snap("c1", "a", T0, false), null), "names are unique per instance");
            assertEquals(List.of("a", "b"), t.list("c1").stream().map(SnapshotTable.Row::name).toList(), "ordered by creation time");
            SnapshotTable.Row a = t.get("c1", "a").orElseThrow();
            assertEquals(Map.of("user.a", "1", "volatile.idmap.base", "1000000"), a.config());
            assertEquals("disk", a.devices().get("root").get("type"));
            assertEquals(List.of("default"), a.profiles());
            assertTrue(a.scheduled());
            assertEquals(T0, t.schedule("c1").orElseThrow().lastSlot(), "the slot is stored with the scheduled snapshot");

            t.setSchedule("c1", T0.plusHours(1), "@hourly");
            assertEquals(new SnapshotTable.Schedule(T0.plusHours(1), "@hourly"), t.schedule("c1").orElseThrow());
            t.setExpiry("c1", "a", T0.plusDays(1));
            assertEquals(T0.plusDays(1), t.get("c1", "a").orElseThrow().expiresAt());
            assertFalse(t.rename("c1", "a", "b"));
            assertTrue(t.rename("c1", "a", "z"));

            t.beginRestore("c1", "z");
            assertEquals(Map.of("c1", "z"), t.pendingRestores());
            t.endRestore("c1");
            assertEquals(Map.of(), t.pendingRestores());

            t.beginRestore("c1", "z");
            assertTrue(t.delete("c1", "z"));
            assertEquals(Map.of(), t.pendingRestores(), "the journal entry goes with its snapshot");

            instances.rename("c1", "c2");
            assertEquals(List.of("b"), t.list("c2").stream().map(SnapshotTable.Row::name).toList(), "snapshots follow a rename");
            instances.delete("c2");
            assertEquals(List.of(), t.all());
            assertTrue(t.schedule("c2").isEmpty());
        }
    }
}
