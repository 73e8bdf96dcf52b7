package io.jlxd.daemon.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rootfs checks of {@link CheckpointCheck}: systemd as init, sandboxing drop-ins, symlinks kept inside the rootfs. */
class CheckpointCheckTest {
    @TempDir
    Path root;

    void systemdRootfs() throws Exception {
        Files.createDirectories(root.resolve("usr/lib/systemd"));
        Files.createDirectories(root.resolve("usr/sbin"));
        Files.writeString(root.resolve("usr/lib/systemd/systemd"), "ELF");
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createSymbolicLink(root.resolve("sbin"), Path.of("usr/sbin"));
        Files.createSymbolicLink(root.resolve("usr/sbin/init"), Path.of("/lib/systemd/systemd"));
    }

    @Test
    void systemdWithoutDropinKeepsEverySandboxing() throws Exception {
        systemdRootfs();
        assertTrue(CheckpointCheck.isSystemd(root));
        assertEquals(CheckpointCheck.SANDBOXING, CheckpointCheck.sandboxedServices(root));
    }

    @Test
    void dropinsAreReadInsideTheRootWithASizeLimit() throws Exception {
        systemdRootfs();
        Path d = Files.createDirectories(root.resolve("etc/systemd/system/service.d"));
        // a host file holding the magic lines, reached through a symlink: never read
        Path host = Files.createTempFile("jlxd-hostfile-", ".conf");
        try {
            Files.writeString(host, "[Service]\nPrivateTmp=no\n");
            Files.createSymbolicLink(d.resolve("10-link.conf"), host);
            // an oversized drop-in: not read either
            Files.writeString(d.resolve("20-huge.conf"), "[Service]\nProtectHome=no\n" + "#".repeat(CheckpointCheck.MAX_DROPIN));
            assertEquals(CheckpointCheck.SANDBOXING, CheckpointCheck.sandboxedServices(root));
        } finally {
            Files.deleteIfExists(host);
        }
    }

    @Test
    void theCriuFriendlyDropinTurnsThemOff() throws Exception {
        systemdRootfs();
        Path d = Files.createDirectories(root.resolve("etc/systemd/system/service.d"));
        Files.writeString(d.resolve("10-partial.conf"), "[Service]\nPrivateTmp=no\nProtectSystem=false\n");
        List<String> left = CheckpointCheck.sandboxedServices(root);
        assertFalse(left.contains("PrivateTmp") || left.contains("ProtectSystem"));
        assertTrue(left.contains("ProtectHome"));
        StringBuilder all = new StringBuilder("[Service]\n");
        CheckpointCheck.SANDBOXING.forEach(k -> all.append(k).append("=no\n"));
        Files.writeString(d.resolve("20-all.conf"), all.toString());
        assertEquals(List.of(), CheckpointCheck.sandboxedServices(root));
    }

    @Test
    void otherInitsAndEscapingLinksAreNotSystemd() throws Exception {
        Files.createDirectories(root.resolve("sbin"));
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("bin/busybox"), "ELF");
        Files.createSymbolicLink(root.resolve("sbin/init"), Path.of("../bin/busybox"));
        assertFalse(CheckpointCheck.isSystemd(root));
        assertEquals(List.of(), CheckpointCheck.sandboxedServices(root));
        Files.delete(root.resolve("sbin/init"));
        // an absolute link is resolved inside the rootfs, never on the host (where /lib/systemd/systemd exists)
        Files.createSymbolicLink(root.resolve("sbin/init"), Path.of("/../../../lib/systemd/systemd"));
        assertFalse(CheckpointCheck.isSystemd(root));
        Files.delete(root.resolve("sbin/init"));
        Files.createSymbolicLink(root.resolve("sbin/init"), Path.of("init"));
        assertFalse(CheckpointCheck.isSystemd(root), "a link loop");
    }

    @Test
    void absoluteLinksOnTheWayStayInsideTheRootfs() throws Exception {
        // /sbin -> /usr/sbin (absolute: on the host it would be the host's /usr/sbin)
        Files.createDirectories(root.resolve("usr/sbin"));
        Files.createDirectories(root.resolve("usr/lib/systemd"));
        Files.writeString(root.resolve("usr/lib/systemd/systemd"), "ELF");
        Files.createSymbolicLink(root.resolve("sbin"), Path.of("/usr/sbin"));
        Files.createSymbolicLink(root.resolve("usr/sbin/init"), Path.of("../../../../usr/lib/systemd/systemd"));
        assertEquals(root.resolve("usr/lib/systemd/systemd"), CheckpointCheck.resolveInside(root, "/sbin/init"));
        assertTrue(CheckpointCheck.isSystemd(root));
        // /etc -> /  (absolute): the drop-in directory is looked up inside, found missing, not on the host
        Files.createSymbolicLink(root.resolve("etc"), Path.of("/"));
        assertEquals(null, CheckpointCheck.resolveInside(root, "/etc/systemd/system/service.d"));
        assertEquals(CheckpointCheck.SANDBOXING, CheckpointCheck.sandboxedServices(root));
    }

    @Test
    void criuVersionIsCached() {
        AtomicInteger calls = new AtomicInteger();
        var v = CheckpointCheck.cached(() -> {
            calls.incrementAndGet();
            return Optional.of("4.2.1");
        }, 60_000_000_000L);
        assertEquals(Optional.of("4.2.1"), v.get());
        assertEquals(Optional.of("4.2.1"), v.get());
        assertEquals(1, calls.get());
    }
}
