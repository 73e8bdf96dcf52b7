package io.jlxd.daemon.instance.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The host-side steps around {@code lxc-checkpoint} that CRIU 4.2 needs on this host kind (host-notes.md, measured):
 * <ul>
 *   <li>a CRIU config file, handed over through {@code CRIU_CONFIG_FILE} (liblxc 5.0.2 has no other way to pass CRIU
 *       options), with {@code cgroup-root :/PREFIX/NAME}: liblxc does not give CRIU the container's cgroup2
 *       root, without which systemd containers fail to restore ("fsnotify: Unable to open .../cgroup.events") and a
 *       restore under another name lands in the old name's cgroup. Later: {@code external netdev[eth0]:HOSTVETH}
 *       lines for NICs pre-created on the host (CRIU cannot re-create veths through its userns helper);</li>
 *   <li>before restore, the image directory (liblxc and CRIU create it 0700 root) owned by the container's mapped
 *       root ("tty-info.img: Permission denied" otherwise);</li>
 *   <li>after restore, the cgroup2 {@code cgroup.procs}/{@code cgroup.threads} of the container's cgroups owned by
 *       the mapped root again: CRIU re-creates them owned by host root, and systemd inside could not start units
 *       (status=219/CGROUP);</li>
 *   <li>CRIU's own log ({@code dump.log}/{@code restore.log} in the image directory): its "Error" lines are what the
 *       user needs to read when CRIU refuses.</li>
 * </ul>
 */
final class CriuSteps {
    static final String DUMP_LOG = "dump.log";
    static final String RESTORE_LOG = "restore.log";
    private static final int ERROR_LINES = 12;
    /** CRIU's limit for collecting (freezing) the container's tasks, in seconds (CRIU's own default: 10). */
    static final int FREEZE_TIMEOUT_S = 30;

    private CriuSteps() {
    }

    /**
     * The CRIU config file text for the container whose cgroup is {@code cgroup} (relative to the hierarchies'
     * roots, {@link CgroupDirs#container}; dump: the source's; restore: the destination's).
     */
    static String config(String cgroup, List<String> extraLines) {
        if (!cgroup.matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*") || cgroup.contains("..")) {
            throw new IllegalArgumentException("invalid cgroup: " + cgroup);
        }
        StringBuilder sb = new StringBuilder("# written by jlxd for ").append(cgroup).append('\n');
        sb.append("cgroup-root :/").append(cgroup).append('\n');
        sb.append("network-lock nftables\n");
        // CRIU gives up freezing the tasks after 10 s by default; a loaded host with tasks in D state (systemd
        // containers at load 8-13, measured) needs longer, and a slower dump beats a refused one.
        sb.append("timeout ").append(FREEZE_TIMEOUT_S).append('\n');
        for (String line : extraLines) {
            LxcConfig.requireValue("criu option", line);
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@code <containerDir>/criu.conf} (0600) and returns its path. */
    static Path writeConfig(Path containerDir, String cgroup, List<String> extraLines) throws IOException {
        Path f = containerDir.resolve("criu.conf");
        Files.writeString(f, config(cgroup, extraLines), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    /** The mapped root uid of the container from its LXC config ({@code lxc.idmap = u 0 BASE SIZE}), or 0 (privileged). */
    static long mappedRoot(Path configFile) throws IOException {
        for (String line : Files.readAllLines(configFile, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.startsWith("lxc.idmap")) {
                String[] f = l.substring(l.indexOf('=') + 1).strip().split("\\s+");
                if (f.length == 4 && f[0].equals("u") && f[1].equals("0")) {
                    return Long.parseLong(f[2]);
                }
            }
        }
        return 0;
    }

    /**
     * Makes the image directory readable by the restoring tasks: owner {@code uid} (the mapped root), group host
     * root, directories 0750 and files 0640. Owner: the tasks read images once they are root of their user namespace
     * ("tty-info.img: Permission denied" otherwise). Group 0: a task that has entered its new user namespace but not
     * yet switched to its mapped ids still has host uid/gid 0 without any capability over host files, and CRIU 4.2.1
     * opens {@code timens-0.img} at that moment in some runs (measured: 2 of 8 restores failed with "Unable to open
     * timens-0.img: Permission denied" when the directory was 0700). Nobody else can read the memory images.
     */
    static void chownTree(Path dir, long uid) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                boolean d = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(d ? "rwxr-x---" : "rw-r-----"));
            }
        }
    }

    private static void chown(Path p, long uid) throws IOException {
        Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", (int) uid, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Gives the container's root its cgroup2 {@code cgroup.procs}, {@code cgroup.threads} and {@code cgroup.subtree_control}
     * back, in {@code cgroup} ({@link CgroupDirs#container}) and every cgroup below it.
     */
    static void chownCgroup2(CgroupLayout layout, String cgroup, long uid) throws IOException {
        if (layout.v2Root() == null || uid == 0) {
            return;
        }
        Path top = layout.v2Root().resolve(cgroup);
        if (!Files.isDirectory(top)) {
            return;
        }
        chownCgroupTree(top, uid);
    }

    /**
     * One cgroup directory and those below it. A cgroup that disappears meanwhile is skipped: the restored systemd
     * already runs and removes the cgroups of services that end (seen: systemd-hostnamed.service right after a
     * restore), which made the whole restore look failed although the container ran.
     */
    private static void chownCgroupTree(Path d, long uid) throws IOException {
        List<Path> children;
        try {
            chown(d, uid);
            for (String f : List.of("cgroup.procs", "cgroup.threads", "cgroup.subtree_control")) {
                Path p = d.resolve(f);
                if (Files.exists(p)) {
                    chown(p, uid);
                }
            }
            try (Stream<Path> s = Files.list(d)) {
                children = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof java.nio.file.NoSuchFileException) {
                return;
            }
            throw e.getCause();
        }
        for (Path c : children) {
            chownCgroupTree(c, uid);
        }
    }

    /**
     * Error lines CRIU logs in runs that succeed on this host: it cannot raise its own RLIMIT_NOFILE without
     * CAP_SYS_RESOURCE, and a restore probes iptables-restore (absent; the network lock uses nftables) whatever the
     * lock method.
     */
    static boolean noise(String line) {
        return line.contains("RLIMIT_NOFILE for self") || line.contains("iptables");
    }

    /** The last "Error" lines of CRIU's log in {@code dir} ({@link #DUMP_LOG} or {@link #RESTORE_LOG}), one per line. */
    static String errors(Path dir, String log) {
        Path f = dir.resolve(log);
        if (!Files.isRegularFile(f)) {
            return "";
        }
        try {
            List<String> lines = new ArrayList<>();
            for (String l : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                if ((l.contains("Error") || l.contains("ERROR")) && !noise(l)) {
                    lines.add(l.strip());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (String l : lines.subList(Math.max(0, lines.size() - ERROR_LINES), lines.size())) {
                sb.append("\n  criu: ").append(l);
            }
            return sb.toString();
        } catch (IOException e) {
            return "\n  (cannot read " + f + ": " + e.getMessage() + ")";
        }
    }
}
