package io.jlxd.daemon.proxy;

import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.instance.Expand;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.DriverException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The proxy devices of running instances, relayed inside the daemon: a listener on the host per device and, per
 * connection (TCP) or client (UDP), a socket made in the container's network namespace by a platform thread that
 * has {@code setns()}ed into it ({@link NetnsSockets}). No process per connection or device.
 *
 * <p>{@link #sync} makes the listeners of one instance match its expanded proxy devices while it runs (none when it
 * does not); the instances service calls it after every start, stop, update, rename and delete, and the daemon for
 * every instance at start-up (so proxies come back after a daemon restart).
 */
public final class ProxyDevices implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ProxyDevices.class.getName());
    private final InstanceManager instances;
    private final Map<String, Map<String, Active>> running = new ConcurrentHashMap<>();

    private record Active(ProxyDevice device, RunningProxy proxy, NetnsSockets netns) {
        void close() {
            proxy.close();
            netns.close();
        }
    }

    public ProxyDevices(InstanceManager instances) {
        this.instances = instances;
    }

    /** The proxy devices the instance should have listening now: its expanded ones while it runs. */
    private Map<String, ProxyDevice> desired(String name) {
        Optional<InstanceTable.Row> r = instances.table().get(name);
        if (r.isEmpty()) {
            return Map.of();
        }
        ContainerState s = instances.containerState(name);
        if (s == null || !s.active()) {
            return Map.of();
        }
        Map<String, ProxyDevice> out = new HashMap<>();
        Expand.devices(instances.profileRows(r.get().profiles()), r.get().devices()).forEach((dev, d) -> {
            if (ProxyDevice.is(d)) {
                out.put(dev, ProxyDevice.parse(dev, d));
            }
        });
        return out;
    }

    /**
     * Starts and stops listeners so that they match the instance's proxy devices. Every listener that can start
     * does; the first that cannot (address in use...) is the exception.
     */
    public synchronized void sync(String name) throws IOException {
        Map<String, ProxyDevice> want = desired(name);
        Map<String, Active> have = running.computeIfAbsent(name, k -> new ConcurrentHashMap<>());
        for (String dev : new ArrayList<>(have.keySet())) {
            if (!have.get(dev).device().equals(want.get(dev))) {
                have.remove(dev).close();
            }
        }
        IOException first = null;
        for (ProxyDevice p : want.values()) {
            if (have.containsKey(p.device())) {
                continue;
            }
            try {
                have.put(p.device(), start(name, p));
                LOG.info("proxy " + name + "/" + p.device() + ": " + p.protocol() + " " + p.listen() + " -> " + p.connect());
            } catch (IOException e) {
                if (first == null) {
                    first = new IOException("device \"" + p.device() + "\": " + e.getMessage(), e);
                }
            }
        }
        if (have.isEmpty()) {
            running.remove(name);
        }
        if (first != null) {
            throw first;
        }
    }

    private Active start(String name, ProxyDevice p) throws IOException {
        String label = name + "/" + p.device();
        NetnsSockets ns = new NetnsSockets(label, () -> {
            try {
                return instances.driver().initPid(name).orElse(-1);
            } catch (DriverException e) {
                return -1;
            }
        });
        try {
            RunningProxy rp = p.protocol().equals("udp") ? new UdpProxy(label, p.listen(), p.connect(), ns)
                    : new TcpProxy(label, p.listen(), p.connect(), ns);
            return new Active(p, rp, ns);
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    /** At daemon start: the proxies of every running instance. */
    public void startAll() {
        for (String name : instances.names()) {
            try {
                sync(name);
            } catch (IOException | RuntimeException e) {
                LOG.warning("proxy devices of " + name + ": " + e.getMessage());
            }
        }
    }

    /** The devices listening for an instance (tests, state). */
    public List<String> listening(String name) {
        return List.copyOf(running.getOrDefault(name, Map.of()).keySet());
    }

    @Override
    public synchronized void close() {
        running.values().forEach(m -> m.values().forEach(Active::close));
        running.clear();
    }
}
