package io.jlxd.cli.commands;

/** Byte counts as lxc prints them: IEC units with two decimals ("10.50MiB"), plain bytes below 1 KiB. */
final class Bytes {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Bytes() {
    }

    static String iec(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.2f%s", value, UNITS[unit]);
    }
}
