package io.jlxd.daemon.instance.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The cgroups liblxc leaves behind for a stopped container: {@link CgroupDirs#container} and
 * {@link CgroupDirs#monitor} in every hierarchy (liblxc's defaults {@code lxc.payload.NAME} and
 * {@code lxc.monitor.NAME} too, which configs written before the daemon had a prefix still use); normally the monitor
 * removes them on exit, but after a failed start it can lose a race with its own exiting tasks ("Failed to destroy
 * lxc.monitor.NAME: Device or resource busy", seen here on pids and name=systemd), and a later start of the same
 * name would then get {@code NAME-1}. (liblxc's shared {@code lxc.pivot} cgroup is not per container
 * and stays.)
 */
public final class StaleCgroups {
    private final CgroupLayout layout;
    private final CgroupDirs dirs;

    public StaleCgroups(CgroupLayout layout, CgroupDirs dirs) {
        this.layout = layout;
        this.dirs = dirs;
    }

    /** Existing cgroup directories of container {@code name}, in every hierarchy. */
    public List<Path> find(String name) {
        List<Path> found = new ArrayList<>();
        for (Path root : layout.mountPoints()) {
            for (String rel : List.of(dirs.container(name), dirs.monitor(name), "lxc.payload." + name, "lxc.monitor." + name)) {
                Path p = root.resolve(rel);
                if (Files.isDirectory(p)) {
                    found.add(p);
                }
            }
        }
        return found;
    }

    /**
     * Removes the (empty) cgroups of a stopped container, children first. A cgroup that still has tasks cannot be
     * removed (EBUSY) and is reported; call this only when the container is STOPPED.
     *
     * @return cgroups that could not be removed
     */
    public List<Path> remove(String name) {
        List<Path> left = new ArrayList<>();
        for (Path top : find(name)) {
            List<Path> dirs;
            try (Stream<Path> s = Files.walk(top)) {
                dirs = s.filter(Files::isDirectory).sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
            } catch (IOException e) {
                left.add(top);
                continue;
            }
            for (Path d : dirs) {
                try {
                    Files.deleteIfExists(d); // rmdir(2): cgroupfs removes the control files with the directory
                } catch (IOException e) {
                    left.add(d);
                }
            }
        }
        return left;
    }

    /** Removes the daemon's own top cgroup directories where they are empty (at shutdown; busy ones stay). */
    public void removeEmptyTops() {
        for (Path root : layout.mountPoints()) {
            for (String top : dirs.tops()) {
                try {
                    Files.deleteIfExists(root.resolve(top));
                } catch (IOException e) {
                    // not empty: containers of this daemon still run, or a stale child; kept
                }
            }
        }
    }
}
