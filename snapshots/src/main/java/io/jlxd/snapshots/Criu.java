package io.jlxd.snapshots;

import io.jlxd.api.host.Tool;
import java.util.Optional;

/** The host's CRIU, used for stateful stop, stateful snapshots and live migration. */
public final class Criu {
    /** Oldest CRIU that works on kernels 6.16 and later. */
    public static final String MINIMUM = "4.2";

    private Criu() {
    }

    /** The installed CRIU's version ("4.2"), or empty when none is installed. */
    public static Optional<String> version() {
        return Tool.output("criu", "--version").flatMap(Tool::version);
    }

    /** True when the version is at least {@link #MINIMUM}. */
    public static boolean isSupported(String version) {
        return compare(version, MINIMUM) >= 0;
    }

    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? Integer.parseInt(x[i]) : 0;
            int q = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }
}
