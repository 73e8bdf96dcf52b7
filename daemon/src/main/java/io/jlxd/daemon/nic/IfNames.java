package io.jlxd.daemon.nic;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Linux interface names: the kernel's rules (at most 15 bytes, no '/', ':' or white space, not "." or ".."). */
public final class IfNames {
    /** IFNAMSIZ - 1. */
    public static final int MAX = 15;
    private static final SecureRandom RANDOM = new SecureRandom();

    private IfNames() {
    }

    /** Why {@code name} is not a valid interface name, or null when it is. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "empty";
        }
        if (name.length() > MAX) {
            return "longer than " + MAX + " characters (the kernel's limit)";
        }
        if (name.equals(".") || name.equals("..")) {
            return "not a name";
        }
        for (char c : name.toCharArray()) {
            if (c <= 32 || c >= 127 || c == '/' || c == ':' || c == '%' || c == '"' || c == '\'' || c == '\\') {
                return "contains '" + (c < 32 ? "\\x" + Integer.toHexString(c) : String.valueOf(c)) + "'";
            }
        }
        return null;
    }

    /** LXD's host-end names: {@code veth} and 8 random hex digits. */
    public static String randomVeth() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return "veth" + HexFormat.of().formatHex(b);
    }

    /** A temporary name for the container end of a pair made on the host (restore, hot-plug): {@code jn} + 8 hex digits. */
    public static String randomPeer() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return "jn" + HexFormat.of().formatHex(b);
    }
}
