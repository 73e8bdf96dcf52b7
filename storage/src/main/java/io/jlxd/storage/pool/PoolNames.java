package io.jlxd.storage.pool;

import java.util.regex.Pattern;

/** Names of pools, volumes and snapshots: what may become a directory name. */
public final class PoolNames {
    private static final Pattern POOL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern VOLUME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,254}");

    private PoolNames() {
    }

    /** @throws IllegalArgumentException with a message for a 400 */
    public static String pool(String name) {
        if (name == null || !POOL.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("Invalid storage pool name \"" + name
                    + "\" (letters, digits, '-', '_', '.'; up to 63 characters; no leading '.' or '-')");
        }
        return name;
    }

    /** Volume and snapshot names: no '/', no leading '.' or '-', no "..". */
    public static String volume(String name) {
        if (name == null || !VOLUME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("Invalid volume name \"" + name
                    + "\" (letters, digits, '-', '_', '.', '+'; no '/' and no leading '.' or '-')");
        }
        return name;
    }

    public static String snapshot(String name) {
        if (name == null || !VOLUME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("Invalid snapshot name \"" + name + "\" (no '/' and no leading '.' or '-')");
        }
        return name;
    }
}
