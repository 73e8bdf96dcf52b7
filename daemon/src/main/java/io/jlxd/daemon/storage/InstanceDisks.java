package io.jlxd.daemon.storage;

import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.ProfileTable;
import io.jlxd.daemon.instance.Expand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the disk devices of instances and profiles: root pools, custom volume attachments, used_by. */
public final class InstanceDisks {
    private final InstanceTable instances;
    private final ProfileTable profiles;

    /** (instance key, a disk's {@code source}) → the custom volume's stored key, set by the daemon (projects). */
    private volatile java.util.function.BiFunction<String, String, String> volumeKeys = (instance, source) -> source;

    public InstanceDisks(InstanceTable instances, ProfileTable profiles) {
        this.instances = instances;
        this.profiles = profiles;
    }

    public void volumeKeys(java.util.function.BiFunction<String, String, String> keys) {
        volumeKeys = keys;
    }

    /** The stored key of the custom volume a disk of {@code instance} names: its project's, or default's. */
    public String volumeKey(String instance, String source) {
        return volumeKeys.apply(instance, source);
    }

    public Optional<Map<String, Map<String, String>>> expandedDevices(String instance) {
        return instances.get(instance).map(r -> Expand.devices(
                r.profiles().stream().map(p -> profiles.get(p).orElse(null)).filter(p -> p != null).toList(), r.devices()));
    }

    public static boolean isRoot(Map<String, String> d) {
        return "disk".equals(d.get("type")) && "/".equals(d.get("path"));
    }

    public static boolean isVolume(Map<String, String> d) {
        return "disk".equals(d.get("type")) && !"/".equals(d.get("path")) && d.get("source") != null
                && !HostPathDisks.isHostPath(d);
    }

    /** The pool of an instance's root disk ("default" when it names none). */
    public static String rootPool(Map<String, Map<String, String>> devices) {
        return devices.values().stream().filter(InstanceDisks::isRoot).findFirst()
                .map(d -> d.getOrDefault("pool", StoragePools.DEFAULT)).orElse(StoragePools.DEFAULT);
    }

    public Optional<String> rootPool(String instance) {
        return expandedDevices(instance).map(InstanceDisks::rootPool);
    }

    /** Instances that attach custom volume {@code volume} (its stored key) of {@code pool}, other than {@code except}. */
    public List<String> attachedTo(String pool, String volume, String except) {
        List<String> out = new ArrayList<>();
        for (String name : instances.names()) {
            if (name.equals(except)) {
                continue;
            }
            expandedDevices(name).ifPresent(devs -> {
                if (devs.values().stream().anyMatch(d -> isVolume(d) && pool.equals(d.get("pool")) && volume.equals(volumeKey(name, d.get("source"))))) {
                    out.add(name);
                }
            });
        }
        return out;
    }

    /** Instances with their root or a custom volume on the pool. */
    public List<String> instancesOn(String pool) {
        List<String> out = new ArrayList<>();
        for (String name : instances.names()) {
            expandedDevices(name).ifPresent(devs -> {
                if (devs.values().stream().anyMatch(d -> "disk".equals(d.get("type"))
                        && pool.equals(d.getOrDefault("pool", isRoot(d) ? StoragePools.DEFAULT : "")))) {
                    out.add(name);
                }
            });
        }
        return out;
    }

    /** Profiles with a disk device on the pool. */
    public List<String> profilesOn(String pool) {
        List<String> out = new ArrayList<>();
        for (String p : profiles.names()) {
            profiles.get(p).ifPresent(r -> {
                if (r.devices().values().stream().anyMatch(d -> "disk".equals(d.get("type")) && pool.equals(d.get("pool")))) {
                    out.add(p);
                }
            });
        }
        return out;
    }
}
