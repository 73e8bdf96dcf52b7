package io.jlxd.daemon.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlxd.daemon.db.ProfileTable;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.instance.driver.ContainerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Profile expansion (LXD's order rules), device checks, and config → ContainerSpec. */
class ExpandTest {
    private static final Map<String, String> ROOT = Map.of("type", "disk", "path", "/", "pool", "default");

    @Test
    void profilesApplyInOrderThenLocalValues() {
        ProfileTable.Row a = new ProfileTable.Row("a", "", Map.of("limits.cpu", "1", "user.x", "a"), Map.of("root", ROOT));
        ProfileTable.Row b = new ProfileTable.Row("b", "", Map.of("user.x", "b"), Map.of("extra", Map.of("type", "none")));
        assertEquals(Map.of("limits.cpu", "1", "user.x", "local"), Expand.config(List.of(a, b), Map.of("user.x", "local")));
        assertEquals("b", Expand.config(List.of(a, b), Map.of()).get("user.x"));
        assertEquals(Map.of("root", ROOT), Expand.devices(List.of(a, b), Map.of()));
        assertEquals(Map.of(), Expand.devices(List.of(a), Map.of("root", Map.of("type", "none"))), "a local none device masks");
    }

    @Test
    void devicesAreChecked() {
        Expand.validateDevices(Map.of("root", ROOT, "x", Map.of("type", "none")));
        assertThrows(ApiException.class, () -> Expand.validateDevices(Map.of("eth0", Map.of("type", "nic"))));
        // a host path is a host-path disk (HostPathDisks); a bare volume name needs its pool
        Expand.validateDevices(Map.of("d", Map.of("type", "disk", "path", "/mnt", "source", "/srv")));
        assertThrows(ApiException.class, () -> Expand.validateDevices(Map.of("d", Map.of("type", "disk", "path", "/mnt", "source", "vol"))));
        assertThrows(ApiException.class, () -> Expand.validateDevices(Map.of("d", Map.of("type", "disk", "path", "/mnt", "source", "/srv/../etc"))));
        assertThrows(ApiException.class, () -> Expand.validateDevices(Map.of("d", Map.of("path", "/"))));
        assertThrows(ApiException.class, () -> Expand.validateDevices(Map.of("a/b", Map.of("type", "none"))));
        assertThrows(ApiException.class, () -> Expand.requireRoot(Map.of()));
    }

    @Test
    void specFromConfig(@TempDir Path tmp) throws Exception {
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs/sbin"));
        Files.createSymbolicLink(rootfs.resolve("init"), Path.of("/bin/busybox"));
        ContainerSpec spec = SpecFactory.build("c1", tmp.resolve("rootfs"), Map.of("limits.processes", "50", "limits.memory", "64MiB",
                "environment.FOO", "bar", "raw.lxc", "lxc.uts.name = x\n\n# comment\n", "security.nesting", "true"),
                SpecFactory.idmap(Map.of(), Map.of("volatile.idmap.base", "1000000")));
        assertEquals(ContainerSpec.HALT_BUSYBOX, spec.haltSignal());
        assertEquals(50L, spec.limits().processes());
        assertEquals(64L << 20, spec.limits().memoryBytes());
        assertEquals(Map.of("FOO", "bar"), spec.environment());
        assertEquals(List.of("lxc.uts.name = x"), spec.rawLxc());
        assertEquals(1_000_000, spec.idmap().base());
        assertEquals(true, spec.nesting());
        assertEquals(null, SpecFactory.idmap(Map.of("security.privileged", "true"), Map.of()));
        assertEquals("0", SpecFactory.cpuSet("1"));
        assertEquals("0-1,3", SpecFactory.cpuSet("0-1,3"));
        assertEquals(ContainerSpec.HALT_SYSVINIT, SpecFactory.haltSignal(tmp.resolve("nothing")));
    }
}
