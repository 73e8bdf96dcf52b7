package io.jlxd.daemon.instance.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriuStepsTest {
    @TempDir
    Path tmp;

    @Test
    void configNamesTheCgroupRootAndTheLockMethod() {
        assertEquals("# written by jlxd for jlxd-0a1b/c1\ncgroup-root :/jlxd-0a1b/c1\nnetwork-lock nftables\ntimeout 30\nexternal netdev[eth0]:vethX\n",
                CriuSteps.config("jlxd-0a1b/c1", List.of("external netdev[eth0]:vethX")));
        assertThrows(IllegalArgumentException.class, () -> CriuSteps.config("../x", List.of()));
        assertThrows(IllegalArgumentException.class, () -> CriuSteps.config("jlxd-0a1b/c1", List.of("a\nb")));
    }

    @Test
    void mappedRootComesFromTheIdmap() throws Exception {
        Path f = tmp.resolve("config");
        Files.writeString(f, "lxc.uts.name = c1\nlxc.idmap = u 0 1000000 65536\nlxc.idmap = g 0 1000000 65536\n");
        assertEquals(1_000_000, CriuSteps.mappedRoot(f));
        Files.writeString(f, "lxc.uts.name = c1\n");
        assertEquals(0, CriuSteps.mappedRoot(f));
    }

    @Test
    void errorsQuoteCriuWithoutTheNoiseOfThisHost() throws Exception {
        Files.writeString(tmp.resolve("dump.log"), """
                (00.001) Warn  (criu/kerndat.c:1): something
                Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted
                Error (criu/util.c:642): execvp("iptables-restore", ...) failed: No such file or directory
                Error (criu/namespaces.c:460): Can't dump nested user namespace for 11143
                Error (criu/cr-dump.c:2050): Dumping FAILED.
                """);
        assertEquals("\n  criu: Error (criu/namespaces.c:460): Can't dump nested user namespace for 11143"
                + "\n  criu: Error (criu/cr-dump.c:2050): Dumping FAILED.", CriuSteps.errors(tmp, CriuSteps.DUMP_LOG));
        assertEquals("", CriuSteps.errors(tmp, CriuSteps.RESTORE_LOG));
    }
}
