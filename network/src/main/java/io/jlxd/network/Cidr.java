package io.jlxd.network;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address with a prefix length ("10.12.1.1/24", "fd42:1:2:3::1/64"): the gateway address of a managed network and
 * the subnet it implies. Parsing never resolves names: only literal addresses are accepted.
 *
 * @param address the address as given (the host part may be non-zero: the bridge's own address)
 * @param prefix  the prefix length
 */
public record Cidr(InetAddress address, int prefix) {

    /** Parses "ADDR/LEN"; throws IllegalArgumentException with a readable reason. */
    public static Cidr parse(String s) {
        int slash = s == null ? -1 : s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("\"" + s + "\" is not an address in CIDR form (ADDRESS/PREFIX)");
        }
        InetAddress a = literal(s.substring(0, slash));
        int p;
        try {
            p = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + s + "\" has a bad prefix length");
        }
        if (p < 0 || p > a.getAddress().length * 8) {
            throw new IllegalArgumentException("\"" + s + "\" has a prefix length out of range");
        }
        return new Cidr(a, p);
    }

    /** A literal IPv4 or IPv6 address (no name lookup). */
    public static InetAddress literal(String s) {
        if (s == null || s.isEmpty() || !s.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("\"" + s + "\" is not an IP address");
        }
        if (!s.contains(":") && !s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("\"" + s + "\" is not an IP address");
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + s + "\" is not an IP address");
        }
    }

    public boolean isIpv4() {
        return address.getAddress().length == 4;
    }

    private int bits() {
        return address.getAddress().length * 8;
    }

    private BigInteger value() {
        return new BigInteger(1, address.getAddress());
    }

    private BigInteger mask() {
        BigInteger all = BigInteger.ONE.shiftLeft(bits()).subtract(BigInteger.ONE);
        BigInteger host = BigInteger.ONE.shiftLeft(bits() - prefix).subtract(BigInteger.ONE);
        return all.xor(host);
    }

    private InetAddress of(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[bits() / 8];
        int n = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - n, out, out.length - n, n);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The network address (host bits cleared). */
    public InetAddress network() {
        return of(value().and(mask()));
    }

    /** The subnet in canonical form, "10.12.1.0/24". */
    public Cidr subnet() {
        return new Cidr(network(), prefix);
    }

    /** The n-th address of the subnet (1 = the first after the network address). */
    public InetAddress host(long n) {
        return of(value().and(mask()).add(BigInteger.valueOf(n)));
    }

    /** The last address of the subnet (the broadcast address for IPv4). */
    public InetAddress last() {
        return of(value().and(mask()).or(mask().not().and(BigInteger.ONE.shiftLeft(bits()).subtract(BigInteger.ONE))));
    }

    /** Whether {@code a} lies in this subnet. */
    public boolean contains(InetAddress a) {
        if (a.getAddress().length != address.getAddress().length) {
            return false;
        }
        return new BigInteger(1, a.getAddress()).and(mask()).equals(value().and(mask()));
    }

    /** Whether the two subnets share any address. */
    public boolean overlaps(Cidr o) {
        if (o.bits() != bits()) {
            return false;
        }
        int p = Math.min(prefix, o.prefix);
        return new Cidr(address, p).contains(o.address);
    }

    /** The address alone, without brackets ("10.12.1.1", "fd42::1"). */
    public String addressText() {
        return text(address);
    }

    /** An address as iproute2 and dnsmasq print it (IPv6 compressed). */
    public static String text(InetAddress a) {
        String h = a.getHostAddress();
        if (a.getAddress().length == 16) {
            return compress(h);
        }
        return h;
    }

    private static String compress(String full) {
        String[] parts = full.split(":");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            sb.append(i == 0 ? "" : ":").append(Integer.toHexString(Integer.parseInt(parts[i], 16)));
        }
        String s = ":" + sb + ":";
        String best = null;
        for (int len = 8; len >= 2; len--) {
            String run = ":" + "0:".repeat(len);
            if (s.contains(run)) {
                best = run;
                break;
            }
        }
        if (best == null) {
            return sb.toString();
        }
        String r = s.replaceFirst(java.util.regex.Pattern.quote(best), "::");
        if (r.startsWith(":") && !r.startsWith("::")) {
            r = r.substring(1);
        }
        if (r.endsWith(":") && !r.endsWith("::")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    @Override
    public String toString() {
        return addressText() + "/" + prefix;
    }
}
