package io.jlxd.api.instance;

import java.util.regex.Pattern;

/**
 * LXD's rules for instance (and profile) names: letters, digits and hyphens, no leading digit or hyphen, no
 * trailing hyphen, at most 63 characters (a valid hostname label).
 */
public final class Names {
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,62}");

    private Names() {
    }

    /** Throws with a message saying what is wrong, or returns the name. */
    public static String instance(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Instance name is required");
        }
        if (name.length() > 63) {
            throw new IllegalArgumentException("Instance name \"" + name + "\" is longer than 63 characters");
        }
        if (!INSTANCE.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid instance name \"" + name
                    + "\": only letters, digits and hyphens, starting with a letter and not ending with a hyphen");
        }
        return name;
    }

    /** Profile names may not contain "/" nor be "." or "..". */
    public static String profile(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Profile name is required");
        }
        if (name.equals(".") || name.equals("..") || !PROFILE.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid profile name \"" + name + "\"");
        }
        return name;
    }

    private static final Pattern SNAPSHOT = Pattern.compile("[A-Za-z0-9_+:@-][A-Za-z0-9_.+:@-]{0,62}");

    /**
     * Snapshot names: 1 to 63 of letters, digits and {@code _ . + : @ -}, not starting with '.' (no '/', no spaces).
     */
    public static String snapshot(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Snapshot name is required");
        }
        if (!SNAPSHOT.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid snapshot name \"" + name
                    + "\": 1 to 63 letters, digits or _ . + : @ -, not starting with a dot");
        }
        return name;
    }
}
