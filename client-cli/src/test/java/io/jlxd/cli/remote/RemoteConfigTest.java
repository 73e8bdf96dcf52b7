package io.jlxd.cli.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteConfigTest {
    @TempDir
    Path tmp;

    @Test
    void withoutAFileOnlyLocalAndNothingIsWritten() throws Exception {
        Path dir = tmp.resolve("jlxc");
        RemoteConfig c = RemoteConfig.load(dir);
        assertEquals("local", c.defaultRemote());
        assertEquals(1, c.remotes().size());
        assertEquals("unix://", c.require("local").addr());
        assertFalse(Files.exists(dir));
    }

    @Test
    void savesAndLoadsLxdLayoutKeepingOtherKeys() throws Exception {
        Path dir = tmp.resolve("jlxc");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.yml"), """
                default-remote: local
                remotes:
                  local:
                    addr: unix://
                    public: false
                aliases:
                  ll: list -c ns
                """);
        RemoteConfig c = RemoteConfig.load(dir);
        c.put("host2", new RemoteConfig.Remote("https://10.0.0.2:8443", "lxd", "tls", false));
        c.setDefaultRemote("host2");
        c.save();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("config.yml"))));
        String text = Files.readString(dir.resolve("config.yml"));
        assertTrue(text.contains("ll: list -c ns"), text);
        RemoteConfig again = RemoteConfig.load(dir);
        assertEquals("host2", again.defaultRemote());
        assertEquals("https://10.0.0.2:8443", again.require("host2").addr());
        assertEquals("tls", again.require("host2").authType());
        assertEquals("file access", again.require("local").authType());
    }

    @Test
    void createsItsDirectoryPrivate() throws Exception {
        Path dir = tmp.resolve("a/b/jlxc");
        RemoteConfig c = RemoteConfig.load(dir);
        c.pin("h", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        c.save();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("servercerts"))));
        assertTrue(Files.exists(dir.resolve("servercerts/h.crt")));
    }

    @Test
    void namesAndReferences() throws Exception {
        RemoteConfig c = RemoteConfig.load(tmp.resolve("jlxc"));
        c.put("host2", new RemoteConfig.Remote("https://10.0.0.2:8443", "lxd", "tls", false));
        assertEquals(new Remotes.Ref("local", "c1"), Remotes.parse(c, "c1"));
        assertEquals(new Remotes.Ref("host2", "c1"), Remotes.parse(c, "host2:c1"));
        assertEquals(new Remotes.Ref("host2", ""), Remotes.parse(c, "host2:"));
        assertEquals(new Remotes.Ref("host2", "c1/tmp/a:b"), Remotes.parse(c, "host2:c1/tmp/a:b"));
        assertEquals(new Remotes.Ref("local", "c1/tmp/a:b"), Remotes.parse(c, "c1/tmp/a:b"));
        CliException e = assertThrows(CliException.class, () -> Remotes.parse(c, "nosuch:c1"));
        assertEquals("The remote \"nosuch\" doesn't exist", e.getMessage());
        for (String bad : new String[] {"", "a:b", "a/b", "..", "-x", "a b"}) {
            assertThrows(CliException.class, () -> RemoteConfig.checkName(bad), bad);
        }
        RemoteConfig.checkName("host-2.example");
    }

    @Test
    void directoryFromTheEnvironment() {
        assertEquals(Path.of("/x/conf"), RemoteConfig.directory(Map.of("JLXC_CONF", "/x/conf", "HOME", "/home/u")));
        assertEquals(Path.of("/home/u/.config/jlxc"), RemoteConfig.directory(Map.of("HOME", "/home/u")));
    }
}
