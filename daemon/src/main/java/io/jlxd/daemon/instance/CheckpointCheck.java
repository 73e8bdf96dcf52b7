package io.jlxd.daemon.instance;

import io.jlxd.api.instance.InstanceCheckpoint;
import io.jlxd.api.instance.InstanceCheckpoint.Blocker;
import io.jlxd.daemon.files.ContainerPath;
import io.jlxd.daemon.files.FileTree;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.DriverException;
import io.jlxd.daemon.instance.driver.LxcContainerDriver;
import io.jlxd.snapshots.Criu;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Can CRIU checkpoint this container? Static checks, each for a failure measured on this host kind (host-notes.md),
 * and an optional trial dump. A stateful stop runs the static checks first and refuses with the same reasons while
 * the container keeps running.
 */
public final class CheckpointCheck {
    /** Sandboxing settings that create namespaces or special mounts for a service, which broke CRIU dump or restore. */
    static final List<String> SANDBOXING = List.of("PrivateTmp", "PrivateDevices", "PrivateNetwork", "PrivateMounts",
            "ProtectSystem", "ProtectHome", "ProtectHostname", "ProtectKernelTunables", "ProtectKernelModules",
            "ProtectKernelLogs", "ProtectControlGroups", "ProtectClock");
    private static final List<String> DROPIN_DIRS = List.of("etc/systemd/system/service.d", "usr/lib/systemd/system/service.d",
            "lib/systemd/system/service.d");

    private final LxcContainerDriver driver;
    private final Supplier<Optional<String>> criuVersion;

    public CheckpointCheck(LxcContainerDriver driver, Supplier<Optional<String>> criuVersion) {
        this.driver = driver;
        this.criuVersion = criuVersion;
    }

    /** With the host's CRIU, whose version is asked again at most every 30 s (each ask runs {@code criu --version}). */
    public CheckpointCheck(LxcContainerDriver driver) {
        this(driver, cached(Criu::version, 30_000_000_000L));
    }

    static Supplier<Optional<String>> cached(Supplier<Optional<String>> source, long nanos) {
        Object[] memo = {null, 0L};
        return () -> {
            synchronized (memo) {
                long now = System.nanoTime();
                if (memo[0] == null || now - (long) memo[1] > nanos) {
                    memo[0] = source.get();
                    memo[1] = now;
                }
                @SuppressWarnings("unchecked")
                Optional<String> v = (Optional<String>) memo[0];
                return v;
            }
        };
    }

    /** Static blockers of the container {@code name} (its rootfs and expanded config given). */
    public List<Blocker> blockers(String name, Path rootfs, Map<String, String> expanded) {
        List<Blocker> out = new ArrayList<>();
        ContainerState st;
        try {
            st = driver.exists(name) ? driver.state(name) : ContainerState.STOPPED;
        } catch (DriverException e) {
            st = ContainerState.STOPPED;
        }
        if (st == ContainerState.FROZEN || st == ContainerState.FREEZING) {
            out.add(new Blocker("The instance is frozen", "Unfreeze it first (jlxc start NAME)"));
        } else if (st != ContainerState.RUNNING) {
            out.add(new Blocker("The instance is not running", "Only a running instance can be checkpointed"));
        }
        Optional<String> v = criuVersion.get();
        if (v.isEmpty()) {
            out.add(new Blocker("CRIU is not installed", "Install CRIU " + Criu.MINIMUM + " or newer (criu on the daemon's PATH)"));
        } else if (!Criu.isSupported(v.get())) {
            out.add(new Blocker("CRIU " + v.get() + " is too old for this kernel", "Install CRIU " + Criu.MINIMUM + " or newer"));
        }
        if ("false".equals(expanded.get("migration.stateful"))) {
            out.add(new Blocker("migration.stateful is false: the container has a console pty, which CRIU cannot restore",
                    "jlxc config set NAME migration.stateful true, then restart the instance"));
        }
        List<String> sandboxed = sandboxedServices(rootfs);
        if (!sandboxed.isEmpty()) {
            out.add(new Blocker("systemd services in this container keep their sandboxing (" + String.join(", ", sandboxed)
                    + "), whose namespaces and mounts CRIU cannot checkpoint or restore",
                    "Use the criu-friendly image variant (debian/bookworm), or add a drop-in in /etc/systemd/system/service.d/ "
                            + "that sets them to \"no\" and restart the instance; this weakens the sandboxing of services inside the container"));
        }
        if (st == ContainerState.RUNNING) {
            nestedUserNamespaces(name).ifPresent(p -> out.add(new Blocker(
                    "process " + p + " runs in a nested user namespace, which CRIU cannot dump",
                    "Stop that process (or the container inside the container)")));
        }
        return out;
    }

    /**
     * The sandboxing settings left on when systemd is the container's init: the names of {@link #SANDBOXING} that no
     * drop-in for all services sets to "no". Empty when init is not systemd. Symlinks are resolved inside the rootfs
     * ({@link #resolveInside}), never on the host; the directories are then listed and the drop-ins read through
     * the container's root ({@link FileTree}: resolved in the root, the last component never followed), so a
     * container that swaps a path for a symlink meanwhile cannot lead the daemon to a host file; a drop-in that is
     * itself a symlink is ignored, one larger than {@link #MAX_DROPIN} bytes too.
     */
    static List<String> sandboxedServices(Path rootfs) {
        if (!isSystemd(rootfs)) {
            return List.of();
        }
        Set<String> off = new LinkedHashSet<>();
        try (FileTree tree = FileTree.open(rootfs, 0, 0)) {
            for (String d : DROPIN_DIRS) {
                Path dir = resolveInside(rootfs, "/" + d);
                if (dir == null) {
                    continue;
                }
                String inside = "/" + rootfs.relativize(dir);
                List<String> entries;
                try (FileTree.Node n = tree.get(ContainerPath.parse(inside))) {
                    if (!(n instanceof FileTree.DirNode dn)) {
                        continue;
                    }
                    entries = dn.entries();
                } catch (IOException e) {
                    continue;
                }
                for (String name : entries.stream().filter(x -> x.endsWith(".conf")).toList()) {
                    for (String line : readDropIn(tree, inside + "/" + name).split("\n")) {
                        String l = line.strip();
                        int eq = l.indexOf('=');
                        if (eq > 0 && List.of("no", "false", "0", "off").contains(l.substring(eq + 1).strip().toLowerCase())) {
                            off.add(l.substring(0, eq).strip());
                        }
                    }
                }
            }
        } catch (IOException e) {
            // an unreadable rootfs: nothing is known to be turned off
        }
        return SANDBOXING.stream().filter(k -> !off.contains(k)).toList();
    }

    /** The largest drop-in read (systemd's own are a few hundred bytes). */
    static final int MAX_DROPIN = 64 * 1024;

    /** A regular file's text through the tree, "" when it is anything else, too large or unreadable. */
    private static String readDropIn(FileTree tree, String path) {
        try (FileTree.Node n = tree.get(ContainerPath.parse(path))) {
            if (!(n instanceof FileTree.FileNode f) || f.stat().size() > MAX_DROPIN) {
                return "";
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream() {
                @Override
                public synchronized void write(byte[] b, int off, int len) {
                    if (count + len > MAX_DROPIN) {
                        throw new java.io.UncheckedIOException(new IOException("drop-in grew past " + MAX_DROPIN + " bytes"));
                    }
                    super.write(b, off, len);
                }
            };
            f.copyTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException | IllegalArgumentException e) {
            return "";
        }
    }

    /** Whether {@code /sbin/init} of the rootfs is systemd (following its symlinks inside the rootfs). */
    static boolean isSystemd(Path rootfs) {
        Path p = resolveInside(rootfs, "/sbin/init");
        return p != null && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && p.getFileName() != null
                && p.getFileName().toString().equals("systemd");
    }

    /**
     * The host path of {@code path} (absolute, as seen inside the container) with every symlink on the way resolved
     * inside {@code rootfs} (absolute targets from the rootfs' root, ".." never above it), or null when it does not
     * exist or the links loop. The container owns its rootfs: nothing may lead the daemon to a host file.
     */
    static Path resolveInside(Path rootfs, String path) {
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(List.of(path.split("/")));
        java.util.List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            Path here = rootfs.resolve(String.join("/", done)).resolve(c);
            if (Files.isSymbolicLink(here)) {
                if (++links > 40) {
                    return null;
                }
                String target;
                try {
                    target = Files.readSymbolicLink(here).toString();
                } catch (IOException e) {
                    return null;
                }
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> parts = List.of(target.split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
            } else if (Files.exists(here, LinkOption.NOFOLLOW_LINKS)) {
                done.add(c);
            } else {
                return null;
            }
        }
        return rootfs.resolve(String.join("/", done));
    }

    /** A process of the container in a user namespace other than its init's ("PID (comm)"), if any. */
    private Optional<String> nestedUserNamespaces(String name) {
        try {
            int init = driver.initPid(name).orElse(-1);
            Path pids = driver.cgroups().v1().getOrDefault("pids", driver.cgroups().v2Root());
            if (init <= 0 || pids == null) {
                return Optional.empty();
            }
            String initNs = Files.readSymbolicLink(Path.of("/proc", Integer.toString(init), "ns", "user")).toString();
            try (Stream<Path> s = Files.walk(pids.resolve(driver.cgroupDirs().container(name)))) {
                for (Path procs : s.filter(x -> x.getFileName().toString().equals("cgroup.procs")).toList()) {
                    for (String pid : Files.readAllLines(procs)) {
                        try {
                            String ns = Files.readSymbolicLink(Path.of("/proc", pid.strip(), "ns", "user")).toString();
                            if (!ns.equals(initNs)) {
                                String comm = Files.readString(Path.of("/proc", pid.strip(), "comm")).strip();
                                return Optional.of(pid.strip() + " (" + comm + ")");
                            }
                        } catch (IOException e) {
                            // exited meanwhile
                        }
                    }
                }
            }
        } catch (IOException | DriverException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The report: static blockers, and with {@code probe} (only when there are none) a trial dump that leaves the
     * container running, into {@code scratch} (removed afterwards); CRIU's error becomes a blocker.
     */
    public InstanceCheckpoint report(String name, Path rootfs, Map<String, String> expanded, boolean probe, Path scratch) {
        List<Blocker> blockers = new ArrayList<>(blockers(name, rootfs, expanded));
        boolean probed = false;
        if (probe && blockers.isEmpty()) {
            probed = true;
            try {
                driver.checkpoint(name, scratch, false);
            } catch (DriverException e) {
                blockers.add(new Blocker(e.getMessage(), "CRIU's own log of the trial dump is quoted above (lines of its dump.log)"));
            } finally {
                try {
                    if (Files.exists(scratch, LinkOption.NOFOLLOW_LINKS)) {
                        io.jlxd.storage.image.ImageUnpacker.removeTree(scratch);
                    }
                } catch (IOException e) {
                    blockers.add(new Blocker("the trial checkpoint in " + scratch + " could not be removed: " + e.getMessage(), "Remove it by hand"));
                }
            }
        }
        return new InstanceCheckpoint(blockers.isEmpty(), probed, blockers);
    }
}
