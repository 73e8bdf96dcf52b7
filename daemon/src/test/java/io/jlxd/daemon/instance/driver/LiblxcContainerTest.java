package io.jlxd.daemon.instance.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlxd.daemon.lxc.LibLxc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FFM binding against the real liblxc, without starting anything. */
class LiblxcContainerTest {
    @TempDir
    Path tmp;
    Path lxcPath;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(LibLxc.available(), "liblxc not installed");
        lxcPath = Files.createDirectory(tmp.resolve("lxc")); // save_config creates <lxcpath>/<name>, not the lxcpath
    }

    @AfterEach
    void removeLocks() throws IOException {
        removeLockDir(lxcPath);
    }

    /** liblxc's lock directory for an lxcpath ({@code /run/lxc/lock/<lxcpath>}), removed after a test. */
    static void removeLockDir(Path lxcPath) throws IOException {
        Path dir = Path.of("/run/lxc/lock", lxcPath.toString().substring(1));
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        // and the now empty parents, up to /run/lxc/lock
        for (Path p = dir.getParent(); p != null && p.startsWith("/run/lxc/lock") && !p.equals(Path.of("/run/lxc/lock")); p = p.getParent()) {
            try (Stream<Path> s = Files.list(p)) {
                if (s.findAny().isPresent()) {
                    break;
                }
            }
            Files.deleteIfExists(p);
        }
    }

    @Test
    void undefinedContainer() {
        try (LiblxcContainer c = LiblxcContainer.open("nothing", lxcPath)) {
            assertFalse(c.isDefined());
            assertFalse(c.isRunning());
            assertEquals(ContainerState.STOPPED, c.state());
            assertEquals(-1, c.initPid());
            assertFalse(c.freeze());
            assertTrue(c.shutdown(0), "shutdown of a stopped container succeeds at once");
        }
    }

    @Test
    void configItemsRoundTripThroughSaveAndLoad() throws IOException {
        try (LiblxcContainer c = LiblxcContainer.open("c1", lxcPath)) {
            assertTrue(c.setConfigItem("lxc.uts.name", "hello"));
            assertTrue(c.setConfigItem("lxc.rootfs.path", "dir:/nonexistent"));
            assertTrue(c.setConfigItem("lxc.idmap", "u 0 1000000 65536"));
            assertTrue(c.setConfigItem("lxc.idmap", "g 0 1000000 65536"));
            assertTrue(c.setConfigItem("lxc.signal.halt", "SIGUSR1"));
            assertFalse(c.setConfigItem("lxc.no.such.key", "x"));
            assertEquals("hello", c.getConfigItem("lxc.uts.name"));
            assertEquals("u 0 1000000 65536\ng 0 1000000 65536", c.getConfigItem("lxc.idmap"), "liblxc joins list values with newlines");
            assertEquals("", c.getConfigItem("lxc.environment"), "unset list key");
            assertNull(c.getConfigItem("lxc.no.such.key"));
            assertTrue(c.clearConfigItem("lxc.idmap"));
            assertEquals("", c.getConfigItem("lxc.idmap"));
            assertTrue(c.saveConfig());
            assertTrue(c.isDefined());
        }
        String text = Files.readString(lxcPath.resolve("c1/config"));
        assertTrue(text.contains("lxc.uts.name = hello"), text);
        assertTrue(text.contains("lxc.signal.halt = SIGUSR1"), text);
        Path extra = Files.writeString(tmp.resolve("extra.conf"), "lxc.environment = FOO=bar\n");
        try (LiblxcContainer c = LiblxcContainer.open("c1", lxcPath)) {
            assertTrue(c.isDefined());
            assertEquals("hello", c.getConfigItem("lxc.uts.name"), "lxc_container_new loads the saved config");
            assertTrue(c.loadConfig(extra));
            assertEquals("FOO=bar\n", c.getConfigItem("lxc.environment"));
            assertEquals("hello", c.getConfigItem("lxc.uts.name"), "load_config adds to what is loaded");
        }
    }

    @Test
    void closedHandleRefusesCalls() {
        LiblxcContainer c = LiblxcContainer.open("c2", lxcPath);
        c.close();
        c.close();
        assertThrows(IllegalStateException.class, c::state);
    }
}
