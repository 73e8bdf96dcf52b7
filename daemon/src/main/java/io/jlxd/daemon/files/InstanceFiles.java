package io.jlxd.daemon.files;

import io.jlxd.api.instance.Instance;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.RootfsStorage;
import io.jlxd.daemon.instance.SpecFactory;
import io.jlxd.daemon.instance.driver.ContainerDriver;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.DriverException;
import io.jlxd.daemon.instance.driver.IdMap;
import io.jlxd.daemon.db.InstanceTable;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * An instance's file tree for the files API: for a running container its init's root ({@code /proc/PID/root},
 * which sees the container's own mounts), for a stopped one the rootfs directory; with the instance's id map so
 * that API ids are container ids.
 */
public final class InstanceFiles {
    /** The id container tools show for a host id outside the map. */
    static final long OVERFLOW_ID = 65534;

    private final InstanceManager instances;
    private final ContainerDriver driver;
    private final RootfsStorage storage;

    public InstanceFiles(InstanceManager instances, ContainerDriver driver, RootfsStorage storage) {
        this.instances = instances;
        this.driver = driver;
        this.storage = storage;
    }

    /** An open tree and the map of its ids (null: privileged, ids are host ids). */
    public record Opened(FileTree tree, IdMap map) implements AutoCloseable {
        /** Host id of a container id given by a client (-1 stays -1: not given); 400 outside the map. */
        public long toHost(long id, String header) {
            if (id < 0) {
                return -1;
            }
            if (map == null) {
                if (id > 0xFFFF_FFFEL) {
                    throw ApiException.badRequest("Invalid " + header + ": " + id);
                }
                return id;
            }
            if (id >= map.size()) {
                throw ApiException.badRequest("Invalid " + header + ": " + id + " is outside the container's id range 0.." + (map.size() - 1));
            }
            return map.toHost(id);
        }

        /** The container id of a host id (65534 when outside the map, as the container sees it). */
        public long toContainer(long hostId) {
            if (map == null) {
                return hostId;
            }
            return hostId >= map.base() && hostId < map.base() + map.size() ? hostId - map.base() : OVERFLOW_ID;
        }

        @Override
        public void close() {
            tree.close();
        }
    }

    /** Opens the tree of instance {@code name} (404 when there is no such instance). */
    public Opened open(String name) throws SysException {
        InstanceTable.Row row = instances.row(name);
        Instance view = instances.view(row);
        IdMap map = SpecFactory.idmap(view.expandedConfig(), row.volatileConfig());
        long rootId = map == null ? 0 : map.toHost(0);
        for (int attempt = 0; attempt < 3; attempt++) {
            OptionalInt pid = initPid(name);
            if (pid.isEmpty()) {
                return new Opened(FileTree.open(storage.rootfs(name), rootId, rootId), map);
            }
            FileTree tree;
            try {
                tree = FileTree.open(Path.of("/proc/" + pid.getAsInt() + "/root"), rootId, rootId);
            } catch (SysException e) {
                continue; // the container stopped meanwhile
            }
            if (initPid(name).equals(pid)) {
                return new Opened(tree, map);
            }
            tree.close(); // the pid was reused or the container restarted: look again
        }
        throw new ApiException(409, "The instance is starting or stopping; try again");
    }

    private OptionalInt initPid(String name) {
        try {
            ContainerState s = instances.containerState(name);
            if (s == null || !s.active()) {
                return OptionalInt.empty();
            }
            return driver.initPid(name);
        } catch (DriverException e) {
            return OptionalInt.empty();
        }
    }
}
