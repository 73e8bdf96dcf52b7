package io.jlxd.daemon.instance.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The containers liblxc last reported running, by their init: its pid, its start time and its parent (the container's
 * monitor). While that same process lives under that same monitor and the container's freezer says thawed, the
 * container is running with that init, and a state look-up needs no liblxc: liblxc's costs two round trips to the
 * monitor's command socket and a parse of the container's config, about 70% of a {@code recursion=2} listing's time
 * (JFR, 20 running containers). Anything else (no entry, the init gone, re-parented or replaced, the freezer frozen or
 * freezing or unreadable) is a miss: the caller asks liblxc, which records a new entry when it finds the container
 * running. A start time is the process's own (clock ticks since boot), so a recycled pid never passes for the init.
 */
final class SeenRunning {
    /** A container's init as liblxc reported it. */
    record Init(int pid, long startTicks, int parent) {
    }

    private final Map<String, Init> byName = new ConcurrentHashMap<>();
    private final CgroupLayout cgroups;
    private final CgroupDirs dirs;
    private final Path proc;

    SeenRunning(CgroupLayout cgroups, CgroupDirs dirs) {
        this(cgroups, dirs, Path.of("/proc"));
    }

    SeenRunning(CgroupLayout cgroups, CgroupDirs dirs, Path proc) {
        this.cgroups = cgroups;
        this.dirs = dirs;
        this.proc = proc;
    }

    /** The init pid of {@code name} when it is known to run (thawed) with the init liblxc reported; -1 otherwise. */
    int runningInit(String name) {
        Init seen = byName.get(name);
        if (seen == null) {
            return -1;
        }
        Init now = read(seen.pid());
        if (now != null && now.equals(seen) && thawed(name)) {
            return seen.pid();
        }
        byName.remove(name, seen);
        return -1;
    }

    /** liblxc found {@code name} running with init {@code pid}. */
    void running(String name, int pid) {
        Init i = read(pid);
        if (i != null) {
            byName.put(name, i);
        }
    }

    /** Forgets {@code name} (its state is changing, or it is gone). */
    void forget(String name) {
        byName.remove(name);
    }

    /** The process's start time and parent from {@code /proc/PID/stat}, or null when it is gone or unreadable. */
    Init read(int pid) {
        if (pid <= 0) {
            return null;
        }
        String stat;
        try {
            stat = Files.readString(proc.resolve(Integer.toString(pid)).resolve("stat"), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return parse(pid, stat);
    }

    /**
     * Fields after the command name (which may hold spaces and parentheses, so the last ')' ends it): state (3),
     * ppid (4), ..., starttime (22).
     */
    static Init parse(int pid, String stat) {
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            return null;
        }
        String[] f = stat.substring(end + 1).strip().split(" ");
        if (f.length < 20 || f[0].equals("Z") || f[0].equals("X")) {
            return null; // a zombie is no running init
        }
        try {
            return new Init(pid, Long.parseLong(f[19]), Integer.parseInt(f[1]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The container's freezer says thawed: v1 {@code freezer.state} THAWED, or cgroup2 {@code cgroup.events} frozen 0. */
    private boolean thawed(String name) {
        try {
            return switch (cgroups.of("freezer")) {
                case V1 -> Files.readString(cgroups.v1().get("freezer").resolve(dirs.container(name)).resolve("freezer.state"),
                        StandardCharsets.US_ASCII).strip().equals("THAWED");
                case V2 -> Files.readAllLines(cgroups.v2Root().resolve(dirs.container(name)).resolve("cgroup.events"),
                        StandardCharsets.US_ASCII).contains("frozen 0");
                case NONE -> false;
            };
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
