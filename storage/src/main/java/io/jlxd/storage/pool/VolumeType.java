package io.jlxd.storage.pool;

import java.util.Locale;
import java.util.Optional;

/** Volume types and their directories in a pool (LXD's layout). */
public enum VolumeType {
    CONTAINER("container", "containers", "containers-snapshots"),
    IMAGE("image", "images", null),
    CUSTOM("custom", "custom", "custom-snapshots");

    private final String apiName;
    private final String dir;
    private final String snapshotDir;

    VolumeType(String apiName, String dir, String snapshotDir) {
        this.apiName = apiName;
        this.dir = dir;
        this.snapshotDir = snapshotDir;
    }

    /** The name in the REST API ({@code container}, {@code image}, {@code custom}). */
    public String apiName() {
        return apiName;
    }

    /** The directory under the pool holding volumes of this type. */
    public String dir() {
        return dir;
    }

    /** The directory under the pool holding snapshots of volumes of this type, or null (images have none). */
    public String snapshotDir() {
        return snapshotDir;
    }

    public static Optional<VolumeType> of(String apiName) {
        for (VolumeType t : values()) {
            if (t.apiName.equals(apiName == null ? "" : apiName.toLowerCase(Locale.ROOT))) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
