package io.jlxd.api.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** The value types of configuration keys, each with its validation. An empty value always means "unset". */
public enum ValueType {
    STRING {
        @Override
        void check(String value) {
        }
    },
    BOOL {
        @Override
        void check(String value) {
            if (!value.matches("(?i)true|false|1|0|yes|no|on|off")) {
                throw new IllegalArgumentException("not a boolean (true or false)");
            }
        }
    },
    INTEGER {
        @Override
        void check(String value) {
            try {
                Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an integer");
            }
        }
    },
    /** A duration like LXD's: a number and a unit (s, m, h, d, w). */
    DURATION {
        @Override
        void check(String value) {
            if (!DURATION_PATTERN.matcher(value).matches()) {
                throw new IllegalArgumentException("not a duration such as 30s, 10m, 1h or 2d");
            }
        }
    },
    /** A memory size: bytes with an optional unit (kB, MB, GB, KiB, MiB, GiB, ...) or a percentage of the host's. */
    MEMORY {
        @Override
        void check(String value) {
            Sizes.parseMemory(value);
        }
    },
    /** A size in bytes with an optional unit (kB, MB, GB, KiB, MiB, GiB, ...). */
    BYTES {
        @Override
        void check(String value) {
            Sizes.parseBytes(value);
        }
    },
    /** A short duration: milliseconds ("400", "400ms") or seconds ("1.5s"); see {@link #millis}. */
    MILLISECONDS {
        @Override
        void check(String value) {
            millis(value);
        }
    },
    /** A CPU limit: a count ("2") or a CPU set ("0-1,3"). */
    CPU {
        @Override
        void check(String value) {
            if (!value.matches("[1-9]\\d{0,3}") && !value.matches("\\d+(-\\d+)?(,\\d+(-\\d+)?)*")) {
                throw new IllegalArgumentException("neither a number of CPUs (\"2\") nor a CPU set (\"0-1,3\")");
            }
        }
    },
    /** Extra LXC configuration: "lxc.key = value" lines; keys jlxd owns or that break CRIU are refused. */
    RAW_LXC {
        @Override
        void check(String value) {
            for (String line : value.split("\n")) {
                String l = line.trim();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int eq = l.indexOf('=');
                String key = eq < 0 ? "" : l.substring(0, eq).trim();
                if (!key.startsWith("lxc.")) {
                    throw new IllegalArgumentException("not \"lxc.key = value\" lines (line \"" + l + "\")");
                }
                if (key.startsWith("lxc.apparmor.")) {
                    throw new IllegalArgumentException("refused: " + key + " (no AppArmor on this host; it breaks CRIU restore)");
                }
                if (key.startsWith("lxc.rootfs.") || key.equals("lxc.uts.name") || key.startsWith("lxc.idmap") || key.startsWith("lxc.net.")) {
                    throw new IllegalArgumentException("refused: " + key + " is managed by jlxd");
                }
            }
        }
    },
    /** LXD's expiry expression ("15M", "1d 3H"; units S M H d w m y). */
    EXPIRY {
        @Override
        void check(String value) {
            io.jlxd.api.TrustTokenExpiry.after(java.time.OffsetDateTime.now(), value);
        }
    },
    /** A listen address: "host:port", "[v6]:port", ":port" or "host" (port 8443 then). */
    LISTEN_ADDRESS {
        @Override
        void check(String value) {
            ListenAddress.parse(value);
        }
    };

    private static final Pattern MILLIS_PATTERN = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s)?\\s*");

    /** Milliseconds of a {@link #MILLISECONDS} value: "400" and "400ms" are 400, "1.5s" is 1500; an IllegalArgumentException otherwise. */
    public static long millis(String value) {
        java.util.regex.Matcher m = MILLIS_PATTERN.matcher(value == null ? "" : value);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration in milliseconds or seconds such as 400ms, 400 or 1.5s");
        }
        double v = Double.parseDouble(m.group(1));
        if ("s".equals(m.group(2))) {
            v *= 1000;
        } else if (m.group(1).contains(".")) {
            throw new IllegalArgumentException("milliseconds are whole numbers (400ms, or 0.4s)");
        }
        if (v > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("too long a duration");
        }
        return Math.round(v);
    }

    private static final Pattern DURATION_PATTERN = Pattern.compile("\\d+\\s*(s|m|h|d|w|[smhdw][a-z]*)");

    abstract void check(String value);

    /** Validates a value; an empty value is always valid (it unsets the key). */
    public void validate(String key, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        try {
            check(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid value for \"" + key + "\": \"" + value + "\" is " + e.getMessage());
        }
    }

    /** A parsed listen address. */
    public record ListenAddress(String host, int port) {
        public static final int DEFAULT_PORT = 8443;

        public static ListenAddress parse(String value) {
            String host;
            String port;
            if (value.startsWith("[")) {
                int close = value.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("an IPv6 address without its closing bracket");
                }
                host = value.substring(1, close);
                String rest = value.substring(close + 1);
                if (!rest.isEmpty() && !rest.startsWith(":")) {
                    throw new IllegalArgumentException("not host:port");
                }
                port = rest.isEmpty() ? "" : rest.substring(1);
            } else {
                int colon = value.lastIndexOf(':');
                if (colon >= 0 && value.indexOf(':') != colon) {
                    throw new IllegalArgumentException("an IPv6 address without brackets ([addr]:port)");
                }
                host = colon < 0 ? value : value.substring(0, colon);
                port = colon < 0 ? "" : value.substring(colon + 1);
            }
            int p = DEFAULT_PORT;
            if (!port.isEmpty()) {
                try {
                    p = Integer.parseInt(port);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not host:port (bad port \"" + port + "\")");
                }
                if (p < 1 || p > 65535) {
                    throw new IllegalArgumentException("not host:port (port out of range 1-65535)");
                }
            }
            if (!host.isEmpty() && !host.matches("[A-Za-z0-9.:%-]+")) {
                throw new IllegalArgumentException("not host:port (bad host \"" + host + "\")");
            }
            return new ListenAddress(host.isEmpty() ? "::" : host, p);
        }

        /** Resolves the host; the wildcard "::" binds all addresses. */
        public InetAddress inetAddress() throws UnknownHostException {
            return InetAddress.getByName(host);
        }
    }
}
