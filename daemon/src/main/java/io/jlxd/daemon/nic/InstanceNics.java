package io.jlxd.daemon.nic;

import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.instance.driver.NicSpec;
import io.jlxd.daemon.network.NetworkAttachments;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * The {@code nic} devices of instances: checks them against the host and the managed networks, keeps their
 * generated MACs and host names in volatile keys, turns them into the driver's {@link NicSpec}s at start, and
 * hot-plugs them into running containers. The managed networks learn of changes through
 * {@link NetworkAttachments#nicsChanged}.
 */
public final class InstanceNics {
    private static final Logger LOG = Logger.getLogger(InstanceNics.class.getName());
    private final NetworkAttachments networks;

    public InstanceNics(NetworkAttachments networks) {
        this.networks = Objects.requireNonNull(networks);
    }

    /** The parsed nic devices of an expanded device map, in device-name order. */
    public static List<NicDevice> nics(Map<String, Map<String, String>> expanded) {
        List<NicDevice> out = new ArrayList<>();
        new java.util.TreeMap<>(expanded).forEach((dev, d) -> {
            if (NicDevice.is(d)) {
                out.add(NicDevice.parse(dev, d));
            }
        });
        return out;
    }

    /**
     * Checks an instance's expanded devices: each NIC valid, names inside the instance and host names unique, each
     * {@code network} a managed network. A 400 otherwise.
     */
    public void validate(Map<String, Map<String, String>> expanded) {
        Set<String> names = new HashSet<>();
        Set<String> hostNames = new HashSet<>();
        for (NicDevice n : nics(expanded)) {
            if (!names.add(n.name())) {
                throw ApiException.badRequest("Device \"" + n.device() + "\": another NIC is already named \"" + n.name() + "\" inside the instance");
            }
            if (n.hostName() != null && !hostNames.add(n.hostName())) {
                throw ApiException.badRequest("Device \"" + n.device() + "\": host_name \"" + n.hostName() + "\" is used twice");
            }
            if (n.network() != null && networks.attachment(n.network()).isEmpty()) {
                throw ApiException.badRequest("Device \"" + n.device() + "\": network \"" + n.network() + "\" not found (no managed network of that name)");
            }
        }
    }

    /**
     * The volatile changes the NICs need: a generated MAC for each NIC without {@code hwaddr} that has none yet,
     * a generated host name for each without {@code host_name}; keys of NICs that are gone are removed (value null).
     */
    public static Map<String, String> volatileChanges(Map<String, Map<String, String>> expanded, Map<String, String> vol) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> devices = new HashSet<>();
        for (NicDevice n : nics(expanded)) {
            devices.add(n.device());
            String mac = NicDevice.volatileHwaddr(n.device());
            if (n.hwaddr() == null && !vol.containsKey(mac)) {
                out.put(mac, Hwaddr.generate());
            } else if (n.hwaddr() != null && vol.containsKey(mac)) {
                out.put(mac, null);
            }
            String host = NicDevice.volatileHostName(n.device());
            if (n.hostName() == null && !vol.containsKey(host)) {
                out.put(host, IfNames.randomVeth());
            } else if (n.hostName() != null && !n.hostName().equals(vol.get(host))) {
                out.put(host, n.hostName());
            }
        }
        for (String k : vol.keySet()) {
            String[] f = k.split("\\.");
            if (f.length == 3 && f[0].equals("volatile") && (f[2].equals("hwaddr") || f[2].equals("host_name")) && !devices.contains(f[1])) {
                out.put(k, null);
            }
        }
        return out;
    }

    /** {@code vol} with {@code changes} applied. */
    public static Map<String, String> apply(Map<String, String> vol, Map<String, String> changes) {
        Map<String, String> out = new java.util.TreeMap<>(vol);
        changes.forEach((k, v) -> {
            if (v == null) {
                out.remove(k);
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The MAC a NIC gets: its {@code hwaddr}, else its volatile one. */
    public static String hwaddr(NicDevice n, Map<String, String> vol) {
        return n.hwaddr() != null ? n.hwaddr() : vol.get(NicDevice.volatileHwaddr(n.device()));
    }

    /** The host end's name: {@code host_name}, else the volatile one. */
    public static String hostName(NicDevice n, Map<String, String> vol) {
        return n.hostName() != null ? n.hostName() : vol.get(NicDevice.volatileHostName(n.device()));
    }

    /** The bridge a NIC joins and its default MTU; a 400 when the parent or network is missing. */
    private NicSpec spec(NicDevice n, Map<String, String> vol) {
        String bridge;
        int mtu = n.mtu();
        if (n.network() != null) {
            NetworkAttachments.Attachment a = networks.attachment(n.network()).orElseThrow(() -> ApiException.badRequest(
                    "Device \"" + n.device() + "\": network \"" + n.network() + "\" not found (no managed network of that name)"));
            bridge = a.bridge();
            if (mtu == 0 && a.mtu() > 0) {
                mtu = a.mtu();
            }
        } else {
            bridge = n.parent();
        }
        if (!Veths.isBridge(bridge)) {
            throw ApiException.badRequest("Device \"" + n.device() + "\": " + (Veths.exists(bridge) ? "\"" + bridge + "\" is not a bridge"
                    : "bridge \"" + bridge + "\" not found on the host"));
        }
        String mac = hwaddr(n, vol);
        String host = hostName(n, vol);
        if (mac == null || host == null) {
            throw new IllegalStateException("NIC " + n.device() + " has no volatile hwaddr/host_name yet");
        }
        return new NicSpec(n.name(), host, bridge, mac, mtu);
    }

    /** The driver's NICs for a start ({@link #volatileChanges} applied first). */
    public List<NicSpec> specs(Map<String, Map<String, String>> expanded, Map<String, String> vol) {
        List<NicSpec> out = new ArrayList<>();
        for (NicDevice n : nics(expanded)) {
            out.add(spec(n, vol));
        }
        return out;
    }

    /** The managed networks the NICs of these device maps use. */
    public static Set<String> networksOf(Collection<Map<String, Map<String, String>>> deviceMaps) {
        Set<String> out = new TreeSet<>();
        for (Map<String, Map<String, String>> m : deviceMaps) {
            m.values().forEach(d -> {
                if (NicDevice.is(d) && d.get("network") != null && !d.get("network").isEmpty()) {
                    out.add(d.get("network"));
                }
            });
        }
        return out;
    }

    /** Tells the managed networks that NICs on them changed (errors are logged: the instance's change stands). */
    public void changed(Set<String> nets) {
        for (String n : nets) {
            try {
                networks.nicsChanged(n);
            } catch (RuntimeException e) {
                LOG.warning("network " + n + ": refreshing its reservations failed: " + e.getMessage());
            }
        }
    }

    /**
     * Hot-plug into the running container whose init is {@code pid}: removes the NICs that are gone or changed,
     * adds the new or changed ones. On failure what was done is undone and the error is a 400 (or 500 when
     * undoing failed too). Returns how to undo it all (when a later step of the update fails).
     */
    public Runnable hotplug(long pid, Map<String, Map<String, String>> before, Map<String, String> volBefore,
                            Map<String, Map<String, String>> after, Map<String, String> volAfter) {
        Map<String, NicDevice> oldDevices = new LinkedHashMap<>();
        nics(before).forEach(n -> oldDevices.put(n.device(), n));
        Map<String, NicDevice> nowDevices = new LinkedHashMap<>();
        nics(after).forEach(n -> nowDevices.put(n.device(), n));
        List<NicDevice> removed = new ArrayList<>();
        List<NicDevice> added = new ArrayList<>();
        for (NicDevice n : oldDevices.values()) {
            if (!Objects.equals(before.get(n.device()), after.get(n.device()))) {
                removed.add(n);
            }
        }
        for (NicDevice n : nowDevices.values()) {
            if (!Objects.equals(before.get(n.device()), after.get(n.device()))) {
                added.add(n);
            }
        }
        if (removed.isEmpty() && added.isEmpty()) {
            return () -> { };
        }
        // everything that can be checked before touching the container
        List<NicSpec> toAdd = new ArrayList<>();
        for (NicDevice n : added) {
            toAdd.add(spec(n, volAfter));
        }
        List<NicSpec> oldSpecs = new ArrayList<>();
        for (NicDevice n : removed) {
            try {
                oldSpecs.add(spec(n, volBefore));
            } catch (ApiException e) {
                oldSpecs.add(null); // its bridge is gone: it cannot come back on undo
            }
        }
        List<NicSpec> undoAdd = new ArrayList<>();
        try {
            for (NicDevice r : removed) {
                Veths.delete(hostName(r, volBefore));
            }
            for (NicSpec a : toAdd) {
                if (Veths.exists(a.hostName())) {
                    throw new IOException("host interface \"" + a.hostName() + "\" already exists");
                }
                Veths.plug(pid, a.hostName(), a.bridge(), a.name(), a.hwaddr(), a.mtu());
                undoAdd.add(a);
            }
        } catch (IOException e) {
            undo(pid, undoAdd, oldSpecs);
            throw ApiException.badRequest("Hot-plugging the NICs failed (nothing changed): " + e.getMessage());
        }
        return () -> undo(pid, undoAdd, oldSpecs);
    }

    private static void undo(long pid, List<NicSpec> added, List<NicSpec> removed) {
        added.forEach(a -> Veths.deleteQuietly(a.hostName()));
        for (NicSpec r : removed) {
            if (r == null || Veths.exists(r.hostName())) {
                continue;
            }
            try {
                Veths.plug(pid, r.hostName(), r.bridge(), r.name(), r.hwaddr(), r.mtu());
            } catch (IOException e) {
                LOG.warning("putting NIC " + r.name() + " back failed: " + e.getMessage());
            }
        }
    }
}
