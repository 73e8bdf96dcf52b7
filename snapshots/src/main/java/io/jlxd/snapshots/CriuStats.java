package io.jlxd.snapshots;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CRIU's own timings from the {@code stats-dump} / {@code stats-restore} file it leaves in the image directory
 * (criu/images/stats.proto: {@code StatsEntry { dump = 1; restore = 2 }}; times in microseconds), so that what CRIU
 * itself spends can be told apart from what runs around it (liblxc's {@code lxc-checkpoint}, CRIU's start-up).
 * File layout: two 32-bit magics, a 32-bit length, the message.
 */
public final class CriuStats {
    private CriuStats() {
    }

    /**
     * {@code dump}: {@code criu_freezing_ms}, {@code criu_frozen_ms} (from the freeze until the dump ended: CRIU's
     * work on the tasks), {@code criu_memdump_ms}, {@code criu_memwrite_ms}, {@code criu_pages_written}; empty when the file is missing
     * or unreadable.
     */
    public static Map<String, Long> dump(Path imageDir) {
        return read(imageDir.resolve("stats-dump"), 1, new String[] {null, "criu_freezing_ms", "criu_frozen_ms", "criu_memdump_ms",
            "criu_memwrite_ms", null, null, "criu_pages_written"});
    }

    /** {@code restore}: {@code criu_forking_ms}, {@code criu_restore_ms} (CRIU's own restore time), {@code criu_pages_restored}. */
    public static Map<String, Long> restore(Path imageDir) {
        return read(imageDir.resolve("stats-restore"), 2, new String[] {null, null, null, "criu_forking_ms", "criu_restore_ms",
            "criu_pages_restored"});
    }

    static Map<String, Long> read(Path file, int entry, String[] names) {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            byte[] b = Files.readAllBytes(file);
            if (b.length < 12) {
                return out;
            }
            int len = (b[8] & 0xff) | (b[9] & 0xff) << 8 | (b[10] & 0xff) << 16 | (b[11] & 0xff) << 24;
            int[] pos = {12};
            int end = Math.min(b.length, 12 + Math.max(0, len));
            while (pos[0] < end) {
                long key = varint(b, pos);
                if ((key & 7) != 2) {
                    return out;
                }
                int l = (int) varint(b, pos);
                int stop = Math.min(end, pos[0] + l);
                if (key >>> 3 == entry) {
                    while (pos[0] < stop) {
                        long k = varint(b, pos);
                        int f = (int) (k >>> 3);
                        if ((k & 7) != 0) {
                            return out;
                        }
                        long v = varint(b, pos);
                        if (f < names.length && names[f] != null) {
                            out.put(names[f], names[f].endsWith("_ms") ? v / 1000 : v);
                        }
                    }
                }
                pos[0] = stop;
            }
        } catch (IOException | RuntimeException e) {
            // figures only: a missing or odd file gives none
        }
        return out;
    }

    private static long varint(byte[] d, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int x = d[pos[0]++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }
}
