package io.jlxd.daemon.instance.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The cgroups liblxc leaves behind for a stopped container. liblxc names them {@code lxc.payload.NAME} (the
 * container) and {@code lxc.monitor.NAME} (its monitor) at the root of every hierarchy; normally the monitor
 * removes them on exit, but after a failed start it can lose a race with its own exiting tasks ("Failed to destroy
 * lxc.monitor.NAME: Device or resource busy", seen here on pids and name=systemd), and a later start of the same
 * name would then get {@code lxc.payload.NAME-1}. (liblxc's shared {@code lxc.pivot} cgroup is not per container
 * and stays.)
 */
public final class StaleCgroups {
    private final CgroupLayout layout;

    public StaleCgroups(CgroupLayout layout) {
        this.layout = layout;
    }

    /** Existing cgroup directories of container {@code name}, in every hierarchy. */
    public List<Path> find(String name) {
        List<Path> found = new ArrayList<>();
        for (Path root : layout.mountPoints()) {
            for (String prefix : List.of("lxc.payload.", "lxc.monitor.")) {
                Path p = root.resolve(prefix + name);
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
}
