package io.jlxd.daemon.instance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.api.Json;
import io.jlxd.api.StatusCode;
import io.jlxd.api.instance.Instance;
import io.jlxd.api.instance.InstanceState;
import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.ProfileTable;
import io.jlxd.daemon.instance.driver.ContainerDriver;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.DriverException;
import io.jlxd.daemon.instance.driver.LxcContainerDriver;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * What the API shows of an instance ({@link InstanceManager}'s read side): its view with the config and devices
 * expanded over its profiles, its runtime state (processes, CPU, memory from its cgroups; root disk usage; NICs over
 * rtnetlink with their host ends' names) and the {@code recursion=2} object with state and snapshots. One state
 * look-up serves the view and the state; no process is started.
 */
final class InstanceViews {
    private static final Logger LOG = Logger.getLogger(InstanceViews.class.getName());

    private final InstanceManager instances;
    private final LxcContainerDriver driver;
    private final RootfsStorage storage;

    InstanceViews(InstanceManager instances, LxcContainerDriver driver, RootfsStorage storage) {
        this.instances = instances;
        this.driver = driver;
        this.storage = storage;
    }

    ContainerState containerState(String name) {
        try {
            return driver.exists(name) ? driver.state(name) : ContainerState.STOPPED;
        } catch (DriverException e) {
            LOG.warning("state of " + name + ": " + e.getMessage());
            return null;
        }
    }

    static StatusCode status(ContainerState s) {
        if (s == null) {
            return StatusCode.ERROR;
        }
        return switch (s) {
            case STOPPED -> StatusCode.STOPPED;
            case FROZEN, FREEZING -> StatusCode.FROZEN;
            default -> StatusCode.RUNNING;
        };
    }

    Instance view(InstanceTable.Row r) {
        return view(r, containerState(r.name()));
    }

    private Instance view(InstanceTable.Row r, ContainerState cs) {
        List<ProfileTable.Row> prof = instances.profileRows(r.profiles());
        Map<String, String> config = new TreeMap<>(r.config());
        config.putAll(r.volatileConfig());
        StatusCode st = status(cs);
        return new Instance(io.jlxd.daemon.project.ProjectKeys.name(r.name()), "container", st.text(), st.code(), r.architecture(),
                config, r.devices(), Expand.config(prof, config), Expand.devices(prof, r.devices()), instances.profileNames(r.profiles()), r.ephemeral(),
                r.stateful(), r.description(), r.createdAt(), r.lastUsedAt(), "none", io.jlxd.daemon.project.ProjectKeys.project(r.name()));
    }

    /** recursion=2: the instance with its state and snapshots (no backups). */
    ObjectNode full(InstanceTable.Row r) {
        ContainerDriver.StateAndPid sp = stateAndPid(r.name()); // one look-up for the view and the state
        Instance v = view(r, sp == null ? null : sp.state());
        ObjectNode n = Json.lenient().valueToTree(v);
        // the host ends' names from the devices the view expanded: no second read of the row and its profiles
        n.set("state", Json.lenient().valueToTree(state(r.name(), sp, () -> hostNames(v.expandedDevices(), r.volatileConfig()))));
        SnapshotHooks snapshots = instances.snapshotHooks();
        n.set("snapshots", Json.lenient().valueToTree(snapshots == null ? List.of() : snapshots.views(r.name())));
        n.putArray("backups");
        return n;
    }

    InstanceState state(String name) {
        return state(name, stateAndPid(name), () -> hostNames(name));
    }

    /** {@link #containerState} with the init pid; null when the driver cannot tell. */
    private ContainerDriver.StateAndPid stateAndPid(String name) {
        try {
            return driver.exists(name) ? driver.stateAndPid(name) : new ContainerDriver.StateAndPid(ContainerState.STOPPED, -1);
        } catch (DriverException e) {
            LOG.warning("state of " + name + ": " + e.getMessage());
            return null;
        }
    }

    private InstanceState state(String name, ContainerDriver.StateAndPid sp, java.util.function.Supplier<Map<String, String>> hostNames) {
        ContainerState cs = sp == null ? null : sp.state();
        StatusCode st = status(cs);
        long pid = -1;
        RuntimeState rs = null;
        if (cs != null && cs.active()) {
            pid = sp.pid();
            if (pid > 0) {
                rs = RuntimeState.of(driver.cgroups(), pid);
            }
        }
        return new InstanceState(st.text(), st.code(), pid < 0 ? 0 : pid, rs == null ? 0 : rs.processes(),
                new InstanceState.Cpu(rs == null ? 0 : rs.cpuNanos()),
                new InstanceState.Memory(rs == null ? 0 : rs.memory(), rs == null ? 0 : rs.memoryPeak(), 0, 0, 0),
                disk(name), rs == null ? Map.of() : NetworkState.withHostNames(NetworkState.of(pid), hostNames.get()));
    }

    /** Interface name inside the instance to the host end's name, for its NICs. */
    private Map<String, String> hostNames(String name) {
        try {
            InstanceTable.Row r = instances.row(name);
            return hostNames(Expand.devices(instances.profileRows(r.profiles()), r.devices()), r.volatileConfig());
        } catch (RuntimeException e) {
            return Map.of(); // gone meanwhile
        }
    }

    private static Map<String, String> hostNames(Map<String, Map<String, String>> expandedDevices, Map<String, String> volatileConfig) {
        Map<String, String> out = new TreeMap<>();
        try {
            for (io.jlxd.daemon.nic.NicDevice n : io.jlxd.daemon.nic.InstanceNics.nics(expandedDevices)) {
                String h = io.jlxd.daemon.nic.InstanceNics.hostName(n, volatileConfig);
                if (h != null) {
                    out.put(n.name(), h);
                }
            }
        } catch (RuntimeException e) {
            // a device that no longer parses: no host names
        }
        return out;
    }

    private Map<String, InstanceState.Disk> disk(String name) {
        try {
            long used = storage.usage(name);
            return used < 0 ? Map.of() : Map.of("root", new InstanceState.Disk(used, 0));
        } catch (java.io.IOException | RuntimeException e) {
            return Map.of();
        }
    }
}
