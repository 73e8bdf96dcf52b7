package io.jlxd.api.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Configuration keys of projects (LXD's names, meanings and defaults). */
public final class ProjectConfigKeys {
    public static final String FEATURES_IMAGES = "features.images";
    public static final String FEATURES_PROFILES = "features.profiles";
    public static final String FEATURES_VOLUMES = "features.storage.volumes";
    public static final List<String> FEATURES = List.of(FEATURES_IMAGES, FEATURES_PROFILES, FEATURES_VOLUMES);
    public static final String LIMITS_INSTANCES = "limits.instances";
    public static final String LIMITS_CONTAINERS = "limits.containers";
    public static final String LIMITS_MEMORY = "limits.memory";
    public static final String LIMITS_PROCESSES = "limits.processes";
    public static final String LIMITS_DISK = "limits.disk";
    public static final String LIMITS_CPU = "limits.cpu";
    public static final String LIMITS_VMS = "limits.virtual-machines";
    public static final String BACKUPS = "restricted.backups";
    /** Device types jlxd does not have: the keys exist (LXD's), "block" and "allow" both leave them unavailable. */
    public static final List<String> ABSENT_DEVICES = List.of("gpu", "infiniband", "pci", "unix-block", "unix-char",
            "unix-hotplug", "usb");
    public static final String RESTRICTED = "restricted";
    public static final String PRIVILEGE = "restricted.containers.privilege";
    public static final String NESTING = "restricted.containers.nesting";
    public static final String LOWLEVEL = "restricted.containers.lowlevel";
    public static final String DEVICES_DISK = "restricted.devices.disk";
    public static final String DEVICES_NIC = "restricted.devices.nic";
    public static final String DEVICES_PROXY = "restricted.devices.proxy";
    public static final String SNAPSHOTS = "restricted.snapshots";

    public static final ConfigSchema SCHEMA = new ConfigSchema("project", List.of(
            new ConfigKey(FEATURES_IMAGES, ValueType.BOOL, "false",
                    "Separate images and image aliases for the project (an image may belong to several projects: an upload "
                            + "of a file another project holds adds it); off: the project uses `default`'s images. `true` when a "
                            + "new project's request leaves it out; changes only on an empty project"),
            new ConfigKey(FEATURES_PROFILES, ValueType.BOOL, "false",
                    "Separate profiles for the project (it gets its own, empty `default` profile); off: the project uses "
                            + "`default`'s profiles. `true` when a new project's request leaves it out; changes only on an empty project"),
            new ConfigKey(FEATURES_VOLUMES, ValueType.BOOL, "false",
                    "Separate custom storage volumes for the project (stored as `<project>_<name>` on the pool); off: the "
                            + "project uses `default`'s volumes. `true` when a new project's request leaves it out; changes only on an "
                            + "empty project"),
            new ConfigKey(LIMITS_INSTANCES, ValueType.INTEGER, "", "Maximum number of instances in the project"),
            new ConfigKey(LIMITS_CONTAINERS, ValueType.INTEGER, "", "Maximum number of containers in the project"),
            new ConfigKey(LIMITS_MEMORY, ValueType.BYTES, "",
                    "Maximum sum of the instances' `limits.memory` (every instance must then set it, directly or by a profile)"),
            new ConfigKey(LIMITS_PROCESSES, ValueType.INTEGER, "",
                    "Maximum sum of the instances' `limits.processes` (every instance must then set it)"),
            new ConfigKey(LIMITS_CPU, ValueType.INTEGER, "",
                    "Maximum sum of the instances' `limits.cpu` (a count, or the number of CPUs of a set; every instance must then set it)"),
            new ConfigKey(LIMITS_VMS, ValueType.INTEGER, "", "Maximum number of virtual machines (jlxd has none: always 0 in use)"),
            new ConfigKey(LIMITS_DISK, ValueType.BYTES, "",
                    "Maximum sum of the instances' root disk `size` and the project's custom volumes' `size` (each must then "
                            + "set it)"),
            new ConfigKey(RESTRICTED, ValueType.BOOL, "false",
                    "Block access to security-sensitive features: the `restricted.*` keys take effect"),
            new ConfigKey(PRIVILEGE, ValueType.STRING, "unprivileged",
                    "`unprivileged`: `security.privileged=true` is refused; `allow`: privileged containers are allowed"),
            new ConfigKey(NESTING, ValueType.STRING, "block", "`block`: `security.nesting=true` is refused; `allow`"),
            new ConfigKey(LOWLEVEL, ValueType.STRING, "block",
                    "`block`: low-level keys (`raw.*`, `boot.host_shutdown_timeout`) are refused; `allow`"),
            new ConfigKey(DEVICES_DISK, ValueType.STRING, "managed",
                    "`managed`: only disks on storage pools (no host paths); `block`: no disk but the root disk; `allow` "
                            + "(host paths still need a fully trusted client)"),
            new ConfigKey(DEVICES_NIC, ValueType.STRING, "managed",
                    "`managed`: only NICs on managed networks (`network=`); `block`: no NIC; `allow`"),
            new ConfigKey(DEVICES_PROXY, ValueType.STRING, "block", "`block`: no proxy device; `allow`"),
            new ConfigKey(SNAPSHOTS, ValueType.STRING, "block", "`block`: no snapshot of instances or volumes; `allow`"),
            new ConfigKey(BACKUPS, ValueType.STRING, "block", "`block` or `allow` (jlxd has no backups)"),
            new ConfigKey("restricted.devices.gpu", ValueType.STRING, "block", "`block` or `allow` (jlxd has no such device)"),
            new ConfigKey("restricted.devices.infiniband", ValueType.STRING, "block", "`block` or `allow` (jlxd has no such device)"),
            new ConfigKey("restricted.devices.pci", ValueType.STRING, "block", "`block` or `allow` (jlxd has no such device)"),
            new ConfigKey("restricted.devices.unix-block", ValueType.STRING, "block", "`block` or `allow` (jlxd has no such device)"),
            new ConfigKey("restricted.devices.unix-char", ValueType.STRING, "block", "`block` or `allow` (jlxd has no such device)"),
            new ConfigKey("restricted.devices.unix-hotplug", ValueType.STRING, "block", "`block` or `allow` (jlxd has no such device)"),
            new ConfigKey("restricted.devices.usb", ValueType.STRING, "block", "`block` or `allow` (jlxd has no such device)"),
            new ConfigKey("restricted.virtual-machines.lowlevel", ValueType.STRING, "block", "`block` or `allow` (jlxd has no virtual machines)"),
            new ConfigKey("user.*", ValueType.STRING, "", "Free-form user key, stored and returned as is")));

    /** The allowed values of each enumerated key. */
    public static final Map<String, Set<String>> CHOICES = choices();

    private static Map<String, Set<String>> choices() {
        Map<String, Set<String>> m = new java.util.HashMap<>(Map.of(
                PRIVILEGE, Set.of("unprivileged", "allow"),
                NESTING, Set.of("block", "allow"),
                LOWLEVEL, Set.of("block", "allow"),
                DEVICES_DISK, Set.of("managed", "block", "allow"),
                DEVICES_NIC, Set.of("managed", "block", "allow"),
                DEVICES_PROXY, Set.of("block", "allow"),
                SNAPSHOTS, Set.of("block", "allow"),
                BACKUPS, Set.of("block", "allow"),
                "restricted.virtual-machines.lowlevel", Set.of("block", "allow")));
        ABSENT_DEVICES.forEach(d -> m.put("restricted.devices." + d, Set.of("block", "allow")));
        return Map.copyOf(m);
    }

    private ProjectConfigKeys() {
    }

    /** The schema's checks, then the enumerated values, then the features jlxd has (only "false" outside default). */
    public static void validate(Map<String, String> config) {
        SCHEMA.validate(config);
        config.forEach((k, v) -> {
            Set<String> allowed = CHOICES.get(k);
            if (allowed != null && !v.isEmpty() && !allowed.contains(v)) {
                throw new ConfigException("Invalid value for \"" + k + "\": \"" + v + "\" (one of " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
            if ((k.startsWith("limits.")) && !v.isEmpty()) {
                long n = k.equals(LIMITS_MEMORY) || k.equals(LIMITS_DISK) ? Sizes.parseBytes(v) : Long.parseLong(v);
                if (n < 0) {
                    throw new ConfigException("Invalid value for \"" + k + "\": \"" + v + "\" is negative");
                }
            }
        });
    }

    /** Whether a boolean value is true (LXD's spellings). */
    public static boolean isTrue(String v) {
        return v != null && v.matches("(?i)true|1|yes|on");
    }
}
