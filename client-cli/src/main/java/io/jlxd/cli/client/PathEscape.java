package io.jlxd.cli.client;

import java.nio.charset.StandardCharsets;

/** Percent-encoding of one URL path segment (RFC 3986: everything but unreserved characters is escaped). */
public final class PathEscape {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathEscape() {
    }

    public static String segment(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return sb.toString();
    }
}
