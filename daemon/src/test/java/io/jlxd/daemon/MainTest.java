package io.jlxd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void parsesOptionsInBothForms() {
        Main.Args a = Main.parse(new String[] {"--datadir", "/tmp/x", "--group=lxd", "--log-file", "/tmp/l", "-v"});
        assertEquals(Path.of("/tmp/x"), a.dataDir());
        assertEquals("lxd", a.group());
        assertEquals(Path.of("/tmp/l"), a.logFile());
        assertTrue(a.verbose());
        assertNull(Main.parse(new String[0]).dataDir());
        assertTrue(Main.parse(new String[] {"--help"}).help());
        assertTrue(Main.parse(new String[] {"-V"}).version());
    }

    @Test
    void storageOptions() {
        Main.Args a = Main.parse(new String[] {"--storage-driver", "btrfs", "--storage-size=10GiB"});
        assertEquals("btrfs", a.storageDriver());
        assertEquals("10GiB", a.storageSize());
        assertEquals("dir", Main.parse(new String[0]).storageDriver());
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--storage-driver", "zfs"}));
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--storage-size", "lots"}));
    }

    @Test
    void networkNoneSkipsTheDefaultNetwork() {
        assertTrue(Main.parse(new String[0]).defaultNetwork());
        assertEquals(false, Main.parse(new String[] {"--network", "none"}).defaultNetwork());
        assertEquals(false, Main.parse(new String[] {"--network=none"}).defaultNetwork());
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--network", "br0"}));
    }

    @Test
    void refusesUnknownOptionsAndMissingValues() {
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--bogus"}));
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--datadir"}));
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"stray"}));
        assertEquals(2, Main.run(new String[] {"--nope"}));
        assertEquals(0, Main.run(new String[] {"--help"}));
    }
}
