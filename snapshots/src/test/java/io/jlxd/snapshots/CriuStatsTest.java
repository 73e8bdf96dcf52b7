package io.jlxd.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriuStatsTest {
    @Test
    void readsTheDumpTimesCriuWrote(@TempDir Path dir) throws Exception {
        // a stats-dump written by CRIU 4.2.1 on this host kind (a stateful stop of a busybox container)
        Files.write(dir.resolve("stats-dump"), HexFormat.of().parseHex(
                "4059105506330957220000000a2008a94f10c3f916188806207c2830300038224000480050085808600068007000"));
        Map<String, Long> m = CriuStats.dump(dir);
        assertEquals(10L, m.get("criu_freezing_ms"));
        assertEquals(376L, m.get("criu_frozen_ms"));
        assertEquals(0L, m.get("criu_memdump_ms"));
        assertEquals(34L, m.get("criu_pages_written"));
    }

    @Test
    void aMissingOrTruncatedFileGivesNothing(@TempDir Path dir) throws Exception {
        assertTrue(CriuStats.dump(dir).isEmpty());
        Files.write(dir.resolve("stats-restore"), new byte[] {1, 2, 3});
        assertTrue(CriuStats.restore(dir).isEmpty());
        Files.write(dir.resolve("stats-dump"), HexFormat.of().parseHex("405910550633095722000000" + "0a2008a9"));
        CriuStats.dump(dir); // no exception
    }
}
