package io.jlxd.daemon.instance;

import io.jlxd.daemon.instance.driver.CgroupLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a running container's usage from the cgroups of its init (found through /proc/PID/cgroup). */
public final class RuntimeState {
    private final Map<String, Path> dirs = new HashMap<>();
    private Path unified;

    private RuntimeState() {
    }

    /** The cgroup directories of {@code pid}, per v1 controller, plus its cgroup2 directory. */
    public static RuntimeState of(CgroupLayout layout, long pid) {
        RuntimeState s = new RuntimeState();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
                String[] f = line.split(":", 3);
                if (f.length != 3) {
                    continue;
                }
                String rel = f[2].startsWith("/") ? f[2].substring(1) : f[2];
                if (f[1].isEmpty()) {
                    if (layout.v2Root() != null) {
                        s.unified = layout.v2Root().resolve(rel);
                    }
                    continue;
                }
                for (String controller : f[1].split(",")) {
                    Path mount = layout.v1().get(controller);
                    if (mount != null) {
                        s.dirs.put(controller, mount.resolve(rel));
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone: everything reads as 0
        }
        return s;
    }

    /** The cgroup2 directory of the process, or null (no cgroup2 hierarchy). */
    public Path unified() {
        return unified;
    }

    /** The v1 directory of a controller, or null. */
    public Path v1(String controller) {
        return dirs.get(controller);
    }

    public long processes() {
        long v = read(dirs.get("pids"), "pids.current");
        if (v < 0) {
            v = read(unified, "pids.current");
        }
        return Math.max(0, v);
    }

    public long cpuNanos() {
        long v = read(dirs.get("cpuacct"), "cpuacct.usage");
        if (v < 0 && unified != null) {
            try {
                for (String line : Files.readAllLines(unified.resolve("cpu.stat"))) {
                    if (line.startsWith("usage_usec ")) {
                        return Long.parseLong(line.substring(11).trim()) * 1000;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return 0;
            }
        }
        return Math.max(0, v);
    }

    public long memory() {
        long v = read(dirs.get("memory"), "memory.usage_in_bytes");
        return Math.max(0, v >= 0 ? v : read(unified, "memory.current"));
    }

    public long memoryPeak() {
        long v = read(dirs.get("memory"), "memory.max_usage_in_bytes");
        return Math.max(0, v >= 0 ? v : read(unified, "memory.peak"));
    }

    /** The cgroup directory a write goes to: the controller's v1 directory, or the container's cgroup2 one. */
    public Path dirOf(io.jlxd.daemon.instance.driver.CgroupWrites.Write w) {
        return w.hierarchy() == io.jlxd.daemon.instance.driver.CgroupLayout.Hierarchy.V1 ? dirs.get(w.controller()) : unified;
    }

    /** Writes one cgroup file of the container (a live limit); the reason when it cannot. */
    public void write(io.jlxd.daemon.instance.driver.CgroupWrites.Write w) throws IOException {
        Path d = dirOf(w);
        if (d == null) {
            throw new IOException("the container has no " + w.hierarchy().name().toLowerCase(java.util.Locale.ROOT) + " "
                    + w.controller() + " cgroup (is it running?)");
        }
        try {
            Files.writeString(d.resolve(w.file()), w.value());
        } catch (IOException e) {
            throw new IOException(d.resolve(w.file()) + " = " + w.value() + ": " + e.getMessage(), e);
        }
    }

    private static long read(Path dir, String file) {
        if (dir == null) {
            return -1;
        }
        try {
            List<String> lines = Files.readAllLines(dir.resolve(file));
            String s = lines.isEmpty() ? "" : lines.getFirst().trim();
            return s.equals("max") ? -1 : Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
