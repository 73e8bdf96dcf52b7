package io.jlxd.network;

import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Picks the subnet of a network whose address is {@code auto}, like LXD: a random 10.x.y.0/24 for IPv4 and a random
 * /64 under fd42::/16 for IPv6 that overlaps none of the subnets in use. "In use" is what the host's routes and
 * addresses say (and the other managed networks); no packet is ever sent to find out.
 */
public final class SubnetChooser {
    private static final int ATTEMPTS = 1000;

    private SubnetChooser() {
    }

    /** The gateway address and prefix ("10.x.y.1/24") of a free IPv4 subnet, or empty when none was found. */
    public static Optional<Cidr> ipv4(List<Cidr> used, RandomGenerator random) {
        for (int i = 0; i < ATTEMPTS; i++) {
            int x = random.nextInt(256);
            int y = random.nextInt(256);
            Cidr c = v4(x, y);
            if (free(c, used)) {
                return Optional.of(c);
            }
        }
        for (int x = 0; x < 256; x++) {
            for (int y = 0; y < 256; y++) {
                Cidr c = v4(x, y);
                if (free(c, used)) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    /** The gateway address and prefix ("fd42:a:b:c::1/64") of a free IPv6 subnet, or empty. */
    public static Optional<Cidr> ipv6(List<Cidr> used, RandomGenerator random) {
        for (int i = 0; i < ATTEMPTS; i++) {
            String s = String.format("fd42:%x:%x:%x::1/64", random.nextInt(0x10000), random.nextInt(0x10000),
                    random.nextInt(0x10000));
            Cidr c = Cidr.parse(s);
            if (free(c, used)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private static Cidr v4(int x, int y) {
        try {
            return new Cidr(java.net.InetAddress.getByAddress(new byte[] {10, (byte) x, (byte) y, 1}), 24);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Free: overlaps no used subnet (default routes, prefix 0, do not count). */
    static boolean free(Cidr candidate, List<Cidr> used) {
        for (Cidr u : used) {
            if (u.prefix() > 0 && u.overlaps(candidate)) {
                return false;
            }
        }
        return true;
    }
}
