package io.jlxd.daemon.nic;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.regex.Pattern;

/** MAC addresses of NICs: LXD's generated prefix 00:16:3e and the checks on user-given ones. */
public final class Hwaddr {
    private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Hwaddr() {
    }

    /** A new random address {@code 00:16:3e:xx:xx:xx} (the Xensource OUI that LXD uses). */
    public static String generate() {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        return String.format(Locale.ROOT, "00:16:3e:%02x:%02x:%02x", b[0] & 0xff, b[1] & 0xff, b[2] & 0xff);
    }

    /** Why {@code mac} cannot be a NIC's address (syntax, multicast, all zero), or null when it can. */
    public static String problem(String mac) {
        if (mac == null || !MAC.matcher(mac).matches()) {
            return "not six hex octets separated by ':'";
        }
        int first = Integer.parseInt(mac.substring(0, 2), 16);
        if ((first & 1) != 0) {
            return "a multicast address";
        }
        if (mac.replace(":", "").matches("0+")) {
            return "all zero";
        }
        return null;
    }

    public static String normalize(String mac) {
        return mac.toLowerCase(Locale.ROOT);
    }
}
