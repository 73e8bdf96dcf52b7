package io.jlxd.network;

import java.util.ArrayList;
import java.util.List;

/** Parses dnsmasq's lease file: "EXPIRY MAC IPv4 HOSTNAME CLIENTID" lines, then after "duid" IPv6 lines. */
public final class Leases {
    /** One lease: host name ("" when the client gave none), MAC (IPv4; "" for IPv6), address, v4 or v6. */
    public record Lease(String hostname, String hwaddr, String address, boolean ipv6) {
    }

    private Leases() {
    }

    public static List<Lease> parse(String text) {
        List<Lease> out = new ArrayList<>();
        boolean v6 = false;
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 1 && f[0].equals("duid")) {
                v6 = true;
                continue;
            }
            if (f.length < 4) {
                continue;
            }
            String host = f[3].equals("*") ? "" : f[3];
            if (v6) {
                out.add(new Lease(host, "", f[2], true));
            } else {
                out.add(new Lease(host, f[1].toLowerCase(), f[2], false));
            }
        }
        return out;
    }
}
