package io.jlxd.api.project;

/** LXD's rules for project names, with LXD's messages. */
public final class ProjectNames {
    public static final String DEFAULT = "default";

    private ProjectNames() {
    }

    /** Throws with LXD's message when the name is not valid, or returns it. */
    public static String check(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("No name provided");
        }
        if (name.contains("/")) {
            throw new IllegalArgumentException("Project names may not contain slashes");
        }
        if (name.contains(" ")) {
            throw new IllegalArgumentException("Project names may not contain spaces");
        }
        if (name.contains("_")) {
            throw new IllegalArgumentException("Project names may not contain underscores");
        }
        if (name.contains("'") || name.contains("\"")) {
            throw new IllegalArgumentException("Project names may not contain quotes");
        }
        if (name.equals("*")) {
            throw new IllegalArgumentException("Reserved project name");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("Invalid project name \"" + name + "\"");
        }
        for (char ch : name.toCharArray()) {
            if (ch < 0x21 || ch == 0x7f || ch == '?' || ch == '&' || ch == '#' || ch == '%' || ch == '\\') {
                throw new IllegalArgumentException("Project names may not contain control characters, \"?\", \"&\", \"#\", \"%\" or \"\\\"");
            }
        }
        if (name.length() > 63) {
            throw new IllegalArgumentException("Project names may not be longer than 63 characters");
        }
        return name;
    }
}
