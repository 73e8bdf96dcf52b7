package io.jlxd.daemon.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPathDisksTest {
    @TempDir
    Path tmp;

    @Test
    void recognisesHostPathsButNotVolumesOrTheRoot() {
        assertTrue(HostPathDisks.isHostPath(Map.of("type", "disk", "source", "/srv", "path", "/mnt")));
        assertFalse(HostPathDisks.isHostPath(Map.of("type", "disk", "source", "vol", "pool", "default", "path", "/mnt")));
        assertFalse(HostPathDisks.isHostPath(Map.of("type", "disk", "path", "/", "pool", "default")));
        assertFalse(HostPathDisks.isHostPath(Map.of("type", "nic", "source", "/srv")));
    }

    @Test
    void validatesKeysPathsAndValues() {
        HostPathDisks.validate("d", Map.of("type", "disk", "source", "/srv/x", "path", "/mnt/x", "readonly", "true",
                "propagation", "rslave", "recursive", "false", "required", "false", "shift", "false"));
        for (Map<String, String> bad : List.of(
                Map.of("type", "disk", "source", "/srv/../etc", "path", "/mnt"),
                Map.of("type", "disk", "source", "/srv", "path", "mnt"),
                Map.of("type", "disk", "source", "/srv", "path", "/"),
                Map.of("type", "disk", "source", "/srv", "path", "/mnt/a b"),
                Map.of("type", "disk", "source", "/srv", "path", "/mnt", "readonly", "maybe"),
                Map.of("type", "disk", "source", "/srv", "path", "/mnt", "propagation", "weird"),
                Map.of("type", "disk", "source", "/srv", "path", "/mnt", "shift", "sometimes"),
                Map.of("type", "disk", "source", "/srv", "path", "/mnt", "size", "1GiB"))) {
            ApiException e = assertThrows(ApiException.class, () -> HostPathDisks.validate("d", bad), bad::toString);
            assertEquals(400, e.status());
        }
    }

    @Test
    void onlyFullyTrustedClientsMayGiveThem() {
        Map<String, Map<String, String>> devices = Map.of("d", Map.of("type", "disk", "source", "/srv", "path", "/mnt"));
        HostPathDisks.checkAccess(ApiRequest.Caller.unix(), devices);
        ApiException e = assertThrows(ApiException.class, () -> HostPathDisks.checkAccess(
                new ApiRequest.Caller(false, "tls", "127.0.0.1", null), devices));
        assertEquals(403, e.status());
        ApiRequest.Caller inDefault = ApiRequest.Caller.tls("127.0.0.1", null,
                new io.jlxd.api.Certificate("t", "client", true, List.of("default"), "pem", "f".repeat(64), ""));
        ApiRequest.Caller elsewhere = ApiRequest.Caller.tls("127.0.0.1", null,
                new io.jlxd.api.Certificate("t", "client", true, List.of("p1"), "pem", "f".repeat(64), ""));
        assertEquals(403, assertThrows(ApiException.class, () -> HostPathDisks.checkAccess(inDefault, devices)).status(),
                "a certificate restricted to projects gives no host path");
        // custom volumes are default's: a client that may use default attaches them, one confined elsewhere doesn't
        Map<String, Map<String, String>> volume = Map.of("v", Map.of("type", "disk", "source", "vol", "pool", "default", "path", "/mnt"));
        HostPathDisks.checkAccess(ApiRequest.Caller.unix(), volume);
        HostPathDisks.checkAccess(inDefault, volume);
        assertEquals(403, assertThrows(ApiException.class, () -> HostPathDisks.checkAccess(elsewhere, volume)).status());
    }

    @Test
    void mountEntriesBindDirectoriesAndFiles() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        Path file = Files.writeString(tmp.resolve("file"), "x");
        List<String> lines = HostPathDisks.mountEntries(Map.of(
                "a", Map.of("type", "disk", "source", dir.toString(), "path", "/mnt/a", "readonly", "true", "propagation", "rslave"),
                "b", Map.of("type", "disk", "source", file.toString(), "path", "/etc/b.conf", "recursive", "true"),
                "c", Map.of("type", "disk", "source", tmp.resolve("missing").toString(), "path", "/mnt/c", "required", "false"),
                "d", Map.of("type", "disk", "source", dir.toString(), "path", "/mnt/d", "shift", "true"))); // after start
        assertEquals(List.of(
                "lxc.mount.entry = " + dir + " mnt/a none bind,create=dir,ro,rslave 0 0",
                "lxc.mount.entry = " + file + " etc/b.conf none rbind,create=file 0 0"), lines);
        ApiException e = assertThrows(ApiException.class, () -> HostPathDisks.mountEntries(Map.of(
                "c", Map.of("type", "disk", "source", tmp.resolve("missing").toString(), "path", "/mnt/c"))));
        assertEquals(400, e.status());
    }
}
