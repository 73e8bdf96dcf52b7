package io.jlxd.daemon.proxy;

import io.jlxd.api.config.DeviceConfigKeys;
import io.jlxd.daemon.http.ApiException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * A {@code proxy} device (LXD's keys): {@code listen} on the host, {@code connect} inside the instance's network
 * namespace, both {@code tcp:ADDR:PORT} or both {@code udp:ADDR:PORT}; {@code bind=host} (the default) only. Port
 * ranges, unix sockets, {@code bind=instance} and {@code nat} are refused with a 400.
 */
public record ProxyDevice(String device, String protocol, InetSocketAddress listen, InetSocketAddress connect) {
    public static final String TYPE = "proxy";

    public static boolean is(Map<String, String> d) {
        return TYPE.equals(d.get("type"));
    }

    public static ProxyDevice parse(String device, Map<String, String> d) {
        for (String k : d.keySet()) {
            if (DeviceConfigKeys.PROXY.find(k).isEmpty()) {
                throw bad(device, "unsupported proxy key \"" + k + "\"");
            }
        }
        String bind = d.getOrDefault("bind", "");
        if (!bind.isEmpty() && !bind.equals("host")) {
            throw bad(device, "bind \"" + bind + "\" is not supported (only \"host\": listen on the host, connect in the instance)");
        }
        String listen = d.get("listen");
        String connect = d.get("connect");
        if (listen == null || listen.isEmpty() || connect == null || connect.isEmpty()) {
            throw bad(device, "a proxy needs \"listen\" and \"connect\" (e.g. listen=tcp:0.0.0.0:8080 connect=tcp:127.0.0.1:80)");
        }
        String[] l = address(device, "listen", listen);
        String[] c = address(device, "connect", connect);
        if (!l[0].equals(c[0])) {
            throw bad(device, "listen and connect must use the same protocol (" + l[0] + " and " + c[0] + ")");
        }
        return new ProxyDevice(device, l[0], socket(device, "listen", l), socket(device, "connect", c));
    }

    /** {@code proto:addr:port} split into proto, addr, port; a 400 otherwise. */
    private static String[] address(String device, String key, String v) {
        int colon = v.indexOf(':');
        if (colon < 0) {
            throw bad(device, key + " \"" + v + "\" is not PROTOCOL:ADDRESS:PORT");
        }
        String proto = v.substring(0, colon);
        if (!proto.equals("tcp") && !proto.equals("udp")) {
            throw bad(device, key + " \"" + v + "\": protocol \"" + proto + "\" is not supported (tcp or udp)");
        }
        String rest = v.substring(colon + 1);
        String host;
        String port;
        if (rest.startsWith("[")) {
            int end = rest.indexOf("]:");
            if (end < 0) {
                throw bad(device, key + " \"" + v + "\": an IPv6 address needs [ADDRESS]:PORT");
            }
            host = rest.substring(1, end);
            port = rest.substring(end + 2);
        } else {
            int last = rest.lastIndexOf(':');
            if (last < 0 || rest.indexOf(':') != last) {
                throw bad(device, key + " \"" + v + "\" is not PROTOCOL:ADDRESS:PORT (IPv6 addresses in brackets)");
            }
            host = rest.substring(0, last);
            port = rest.substring(last + 1);
        }
        if (!port.matches("\\d{1,5}")) {
            throw bad(device, key + " \"" + v + "\": port \"" + port + "\" is not a single port number (ranges are not supported)");
        }
        return new String[] {proto, host, port};
    }

    private static InetSocketAddress socket(String device, String key, String[] a) {
        int port = Integer.parseInt(a[2]);
        if (port < 1 || port > 65535) {
            throw bad(device, key + ": port " + port + " is out of range (1 to 65535)");
        }
        InetAddress ip = io.jlxd.daemon.nic.NicDevice.ipLiteral(a[1]);
        if (ip == null) {
            throw bad(device, key + ": \"" + a[1] + "\" is not an IP address (host names are not resolved)");
        }
        return new InetSocketAddress(ip, port);
    }

    private static ApiException bad(String device, String msg) {
        return ApiException.badRequest("Device \"" + device + "\": " + msg);
    }
}
