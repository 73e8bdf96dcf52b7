package io.jlxd.daemon.instance.driver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The cgroup names of one daemon's containers. liblxc's default, {@code lxc.payload.NAME} and
 * {@code lxc.monitor.NAME} at the root of every hierarchy, is host-global: two daemons on one host (remote and
 * migration tests, or a move between two data directories) with an instance of the same name would share or fight
 * over it. Each daemon instead keeps its containers under a prefix of its own, {@code jlxd-<hash of the lxcpath>/NAME}
 * (liblxc's {@code lxc.cgroup.dir.container}) and its monitors under {@code jlxd-<hash>.monitor/NAME}
 * ({@code lxc.cgroup.dir.monitor}); CRIU's {@code cgroup-root} follows (host-notes: checked with liblxc 5.0.2).
 *
 * @param prefix the daemon's top cgroup directory name, e.g. {@code jlxd-3f2a9c01}
 */
public record CgroupDirs(String prefix) {
    public CgroupDirs {
        if (prefix == null || !prefix.matches("[A-Za-z0-9_.-]{1,64}") || prefix.startsWith(".")) {
            throw new IllegalArgumentException("invalid cgroup prefix: " + prefix);
        }
    }

    /** The prefix of the daemon whose lxcpath is {@code lxcPath}: {@code jlxd-} and 8 hex digits of its SHA-256. */
    public static CgroupDirs forLxcPath(Path lxcPath) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(lxcPath.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return new CgroupDirs("jlxd-" + HexFormat.of().formatHex(h, 0, 4));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code PREFIX/NAME}: the container's cgroup, relative to each hierarchy's root. */
    public String container(String name) {
        return prefix + "/" + ContainerSpec.requireName(name);
    }

    /** {@code PREFIX.monitor/NAME}: the cgroup of the container's monitor. */
    public String monitor(String name) {
        return prefix + ".monitor/" + ContainerSpec.requireName(name);
    }

    /** The directories of the daemon's own (the parents, removed when empty). */
    public List<String> tops() {
        return List.of(prefix, prefix + ".monitor");
    }
}
