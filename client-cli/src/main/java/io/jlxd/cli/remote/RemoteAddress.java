package io.jlxd.cli.remote;

import java.util.regex.Pattern;

/**
 * A remote's address as stored in {@code config.yml}: {@code unix://} (the local socket), {@code unix:///path}
 * or {@code https://HOST:PORT}. {@link #parse} accepts what users type ({@code host}, {@code host:port},
 * {@code [v6]:port}, a bare IPv6 address, or a full URL) and refuses anything else before any connection.
 */
public record RemoteAddress(String scheme, String host, int port, String socketPath) {
    public static final int DEFAULT_PORT = 8443;
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

    public static RemoteAddress parse(String raw) {
        String s = raw == null ? "" : raw.trim();
        if (s.isEmpty()) {
            throw invalid(raw, "empty");
        }
        if (s.startsWith("unix://")) {
            String path = s.substring("unix://".length());
            if (!path.isEmpty() && !path.startsWith("/")) {
                throw invalid(raw, "a unix socket path must be absolute");
            }
            return new RemoteAddress("unix", null, 0, path);
        }
        if (s.startsWith("https://")) {
            s = s.substring("https://".length());
            if (s.endsWith("/")) {
                s = s.substring(0, s.length() - 1);
            }
        } else if (s.contains("://")) {
            throw invalid(raw, "only https:// and unix:// remotes are supported");
        }
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw invalid(raw, "missing \"]\"");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw invalid(raw, "unexpected \"" + rest + "\" after the address");
                }
                port = rest.substring(1);
            }
            if (!host.contains(":") || !IPV6.matcher(host).matches()) {
                throw invalid(raw, "not an IPv6 address between brackets");
            }
        } else if (s.indexOf(':') != s.lastIndexOf(':')) {
            host = s; // a bare IPv6 address: no port
            if (!IPV6.matcher(host).matches()) {
                throw invalid(raw, "not a host name or IP address");
            }
        } else {
            int colon = s.indexOf(':');
            host = colon < 0 ? s : s.substring(0, colon);
            port = colon < 0 ? null : s.substring(colon + 1);
            if (!validHost(host)) {
                throw invalid(raw, "\"" + host + "\" is not a host name or IP address");
            }
        }
        int p = DEFAULT_PORT;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw invalid(raw, "port \"" + port + "\" is not a number");
            }
            if (p < 1 || p > 65535) {
                throw invalid(raw, "port " + p + " is out of range (1-65535)");
            }
        }
        return new RemoteAddress("https", host, p, null);
    }

    private static boolean validHost(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        if (IPV4.matcher(host).matches()) {
            for (String part : host.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        for (String label : h.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return !h.matches("[0-9.]+"); // digits and dots only but not a valid IPv4 address
    }

    private static IllegalArgumentException invalid(String raw, String why) {
        return new IllegalArgumentException("Invalid remote address \"" + raw + "\": " + why);
    }

    public boolean isUnix() {
        return scheme.equals("unix");
    }

    /** The host and port as they go in a URL and in the Host header. */
    public String authority() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The canonical URL, as stored in config.yml. */
    public String url() {
        return isUnix() ? "unix://" + socketPath : "https://" + authority();
    }

    @Override
    public String toString() {
        return url();
    }
}
