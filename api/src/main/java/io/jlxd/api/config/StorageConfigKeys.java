package io.jlxd.api.config;

import java.util.List;

/** Storage pool and storage volume configuration keys. */
public final class StorageConfigKeys {
    public static final String SOURCE = "source";
    public static final String SIZE = "size";
    public static final String SHARED = "security.shared";

    public static final ConfigSchema POOL = new ConfigSchema("storage pool", List.of(
            new ConfigKey(SOURCE, ValueType.STRING, "",
                    "btrfs: an existing directory on a btrfs file system to use (bind-mounted); unset = a loop file "
                            + "<datadir>/disks/<pool>.img that jlxd creates and mounts. Fixed at creation; dir pools "
                            + "always live under <datadir>/storage-pools/<pool>"),
            new ConfigKey(SIZE, ValueType.BYTES, "",
                    "btrfs on a loop file: its size (e.g. 5GiB); default 20% of the free space, at least 5 GiB, at most "
                            + "30 GiB. Fixed at creation"),
            new ConfigKey("user.*", ValueType.STRING, "", "Free-form user key, stored and returned as is")));

    public static final ConfigSchema VOLUME = new ConfigSchema("storage volume", List.of(
            new ConfigKey(SIZE, ValueType.BYTES, "",
                    "Size quota of the volume (btrfs: a qgroup limit on referenced bytes); refused on dir pools"),
            new ConfigKey(SHARED, ValueType.BOOL, "false",
                    "Allow the custom volume to be attached to more than one instance at a time"),
            new ConfigKey("user.*", ValueType.STRING, "", "Free-form user key, stored and returned as is")));

    private StorageConfigKeys() {
    }
}
