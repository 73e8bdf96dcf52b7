package io.jlxd.daemon.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Parsers of the kernel's text files that metrics read (cgroup v1 and v2, /proc/PID/net/dev). Pure functions. */
final class CgroupText {
    private CgroupText() {
    }

    /** "key value" lines (memory.stat, cpu.stat, memory.events, memory.oom_control); bad lines skipped. */
    static Map<String, Long> keyValues(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2) {
                try {
                    out.put(f[0], Long.parseLong(f[1]));
                } catch (NumberFormatException e) {
                    // not a number ("max"): skipped
                }
            }
        }
        return out;
    }

    /** CPU time of one cpu ("all" when the kernel gives no per-cpu split) in nanoseconds. */
    record Cpu(String cpu, long userNanos, long systemNanos) {
    }

    /** v1 {@code cpuacct.usage_all}: "cpu user system" then one line per cpu, in nanoseconds. */
    static List<Cpu> cpuacctUsageAll(String text) {
        List<Cpu> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[0].matches("\\d+")) {
                out.add(new Cpu(f[0], Long.parseLong(f[1]), Long.parseLong(f[2])));
            }
        }
        return out;
    }

    /** v2 {@code cpu.stat}: user_usec and system_usec, as one "all" cpu. */
    static List<Cpu> cpuStatV2(String text) {
        Map<String, Long> kv = keyValues(text);
        if (!kv.containsKey("user_usec")) {
            return List.of();
        }
        return List.of(new Cpu("all", kv.get("user_usec") * 1000, kv.getOrDefault("system_usec", 0L) * 1000));
    }

    /** Block I/O of one device ("MAJ:MIN"). */
    record Io(long readBytes, long writtenBytes, long reads, long writes) {
        Io plus(Io o) {
            return new Io(readBytes + o.readBytes, writtenBytes + o.writtenBytes, reads + o.reads, writes + o.writes);
        }
    }

    /** v1 {@code blkio.throttle.io_service_bytes_recursive} and {@code io_serviced_recursive} ("8:0 Read 123"). */
    static Map<String, Io> blkioV1(String bytes, String serviced) {
        Map<String, Io> out = new TreeMap<>();
        for (String[] pair : new String[][] {{bytes, "b"}, {serviced, "n"}}) {
            for (String line : pair[0].split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length != 3 || !f[0].matches("\\d+:\\d+")) {
                    continue;
                }
                long v = Long.parseLong(f[2]);
                boolean b = pair[1].equals("b");
                Io add = switch (f[1]) {
                    case "Read" -> b ? new Io(v, 0, 0, 0) : new Io(0, 0, v, 0);
                    case "Write" -> b ? new Io(0, v, 0, 0) : new Io(0, 0, 0, v);
                    default -> null;
                };
                if (add != null) {
                    out.merge(f[0], add, Io::plus);
                }
            }
        }
        return out;
    }

    /** v2 {@code io.stat}: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ...". */
    static Map<String, Io> ioStatV2(String text) {
        Map<String, Io> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || !f[0].matches("\\d+:\\d+")) {
                continue;
            }
            Map<String, Long> kv = new LinkedHashMap<>();
            for (int i = 1; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (eq > 0) {
                    try {
                        kv.put(f[i].substring(0, eq), Long.parseLong(f[i].substring(eq + 1)));
                    } catch (NumberFormatException e) {
                        // skipped
                    }
                }
            }
            out.put(f[0], new Io(kv.getOrDefault("rbytes", 0L), kv.getOrDefault("wbytes", 0L),
                    kv.getOrDefault("rios", 0L), kv.getOrDefault("wios", 0L)));
        }
        return out;
    }

    /** Counters of one network interface from {@code /proc/PID/net/dev}. */
    record Net(long rxBytes, long rxPackets, long rxErrs, long rxDrop, long txBytes, long txPackets, long txErrs, long txDrop) {
    }

    static Map<String, Net> netDev(String text) {
        Map<String, Net> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || line.contains("|")) {
                continue;
            }
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            if (f.length < 12) {
                continue;
            }
            long[] v = new long[f.length];
            for (int i = 0; i < f.length; i++) {
                v[i] = Long.parseLong(f[i]);
            }
            out.put(line.substring(0, colon).trim(), new Net(v[0], v[1], v[2], v[3], v[8], v[9], v[10], v[11]));
        }
        return out;
    }
}
