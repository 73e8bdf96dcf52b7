package io.jlxd.daemon.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MigrationPreflightTest {
    @Test
    void dumpedMemoryIsAnonPlusShmem() {
        List<String> stat = List.of("anon 1048576", "file 73400320", "kernel 2097152", "shmem 4096", "file_mapped 0");
        assertEquals(Optional.of(1048576L + 4096), MigrationPreflight.memoryStat(stat));
        assertEquals(Optional.of(0L), MigrationPreflight.memoryStat(List.of("anon 0")));
        assertTrue(MigrationPreflight.memoryStat(List.of("file 1", "garbage")).isEmpty(), "no anon line: unknown");
    }

    @Test
    void downtimeGrowsWithMemoryFromTheIdleFloor() {
        assertEquals(MigrationPreflight.BASE_FREEZE_MS, MigrationPreflight.estimateDowntime(0));
        assertEquals(MigrationPreflight.BASE_FREEZE_MS + 10_000, MigrationPreflight.estimateDowntime(500L * 1024 * 1024));
        assertTrue(MigrationPreflight.estimateDowntime(1L << 30) > MigrationPreflight.estimateDowntime(1L << 29));
    }

    @Test
    void treeBytesCountsRegularFilesNotLinks(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.write(dir.resolve("a"), new byte[1000]);
        java.nio.file.Files.createDirectories(dir.resolve("d/e"));
        java.nio.file.Files.write(dir.resolve("d/e/b"), new byte[24]);
        java.nio.file.Files.createSymbolicLink(dir.resolve("l"), java.nio.file.Path.of("/etc/passwd"));
        assertEquals(1024, MigrationPreflight.treeBytes(dir));
    }

    @Test
    void onceAsksOnlyOnce() {
        AtomicInteger asked = new AtomicInteger();
        var s = MigrationPreflight.once(() -> asked.incrementAndGet() > 0);
        assertTrue(s.get());
        assertTrue(s.get());
        assertEquals(1, asked.get());
    }
}
