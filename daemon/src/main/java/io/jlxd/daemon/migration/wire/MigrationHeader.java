package io.jlxd.daemon.migration.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LXD's {@code MigrationHeader} (migrate.proto, proto2): the source's offer and the target's answer. Only the
 * fields jlxd uses are kept; others are skipped when read.
 *
 * @param fs       MigrationFSType: {@link #FS_RSYNC} (0), BTRFS (1), ZFS (2), ...
 * @param criu     CRIUType or null: {@link #CRIU_RSYNC} (0, a live migration), {@link #CRIU_NONE} (2, a running
 *                 instance moved without its state)
 * @param jlxd     jlxd's own features ({@link #JLXD_FIELD}, not in LXD's migrate.proto: an LXD peer skips the field as
 *                 unknown and never answers it, so a feature is used only when the other side named it too)
 */
public record MigrationHeader(int fs, Integer criu, List<IdMap> idmap, List<String> snapshotNames, List<Snapshot> snapshots,
                              Boolean predump, RsyncFeatures rsync, Boolean refresh, Long volumeSize, Integer indexHeaderVersion,
                              List<String> jlxd) {
    /** Field number of {@link #jlxd} (repeated string), far above LXD's numbers. */
    public static final int JLXD_FIELD = 1000;
    /** jlxd feature: the final file system pass runs while CRIU dumps (both while frozen), on its own channel. */
    public static final String OVERLAP_FINAL_FS = "overlap_final_fs";
    /** jlxd feature: the CRIU images go as one one-way stream ({@code StateStream}), not an rsync stream. */
    public static final String STATE_STREAM = "state_stream";
    /**
     * jlxd feature: a near-live move (a downtime budget chose it on the source): criu NONE although the request was
     * live; the source stops the instance before the last pass, the target boots it.
     */
    public static final String NEAR_LIVE = "near_live";
    /** jlxd feature: memory pages go to a CRIU page server on the target during the dump, through the criu channel. */
    public static final String PAGE_SERVER = "page_server";

    /** LXD's fields only (no jlxd features). */
    public MigrationHeader(int fs, Integer criu, List<IdMap> idmap, List<String> snapshotNames, List<Snapshot> snapshots,
                           Boolean predump, RsyncFeatures rsync, Boolean refresh, Long volumeSize, Integer indexHeaderVersion) {
        this(fs, criu, idmap, snapshotNames, snapshots, predump, rsync, refresh, volumeSize, indexHeaderVersion, List.of());
    }

    public MigrationHeader {
        jlxd = jlxd == null ? List.of() : List.copyOf(jlxd);
    }

    /** The same header offering or answering jlxd's {@code features}. */
    public MigrationHeader withJlxd(List<String> features) {
        return new MigrationHeader(fs, criu, idmap, snapshotNames, snapshots, predump, rsync, refresh, volumeSize, indexHeaderVersion, features);
    }

    public boolean has(String feature) {
        return jlxd.contains(feature);
    }

    public static final int FS_RSYNC = 0;
    public static final int FS_BTRFS = 1;
    public static final int CRIU_RSYNC = 0;
    public static final int CRIU_NONE = 2;

    /** One range of LXD's idmap: {@code isuid}, {@code isgid}, host id, namespace id, range. */
    public record IdMap(boolean isuid, boolean isgid, long hostid, long nsid, long maprange) {
        Proto.Writer encode() {
            return new Proto.Writer().bool(1, isuid).bool(2, isgid).int64(3, hostid).int64(4, nsid).int64(5, maprange);
        }

        static IdMap decode(byte[] b) {
            boolean u = false;
            boolean g = false;
            long h = 0;
            long n = 0;
            long r = 0;
            for (Proto.Field f : Proto.read(b)) {
                switch (f.number()) {
                    case 1 -> u = f.bool();
                    case 2 -> g = f.bool();
                    case 3 -> h = (int) f.varint();
                    case 4 -> n = (int) f.varint();
                    case 5 -> r = (int) f.varint();
                    default -> { }
                }
            }
            return new IdMap(u, g, h, n, r);
        }
    }

    /** rsync features: xattrs, delete, compress, bidirectional. */
    public record RsyncFeatures(boolean xattrs, boolean delete, boolean compress, boolean bidirectional) {
        Proto.Writer encode() {
            return new Proto.Writer().bool(1, xattrs).bool(2, delete).bool(3, compress).bool(4, bidirectional);
        }

        static RsyncFeatures decode(byte[] b) {
            boolean[] v = new boolean[5];
            for (Proto.Field f : Proto.read(b)) {
                if (f.number() >= 1 && f.number() <= 4) {
                    v[f.number()] = f.bool();
                }
            }
            return new RsyncFeatures(v[1], v[2], v[3], v[4]);
        }

        /** What both sides have. */
        public RsyncFeatures and(RsyncFeatures o) {
            return o == null ? new RsyncFeatures(false, false, false, false)
                    : new RsyncFeatures(xattrs && o.xattrs, delete && o.delete, compress && o.compress, bidirectional && o.bidirectional);
        }
    }

    /**
     * A snapshot as LXD describes it: its local config and devices, profiles, flags and dates (seconds since the
     * epoch; 0 or absent when unknown). {@code architecture} is LXD's architecture number (x86_64 = 2).
     */
    public record Snapshot(String name, Map<String, String> localConfig, List<String> profiles, boolean ephemeral,
                           Map<String, Map<String, String>> localDevices, int architecture, boolean stateful,
                           long creationDate, long lastUsedDate, long expiryDate) {
        Proto.Writer encode() {
            Proto.Writer w = new Proto.Writer().string(1, name);
            localConfig.forEach((k, v) -> w.message(2, config(k, v)));
            profiles.forEach(p -> w.string(3, p));
            w.bool(4, ephemeral);
            localDevices.forEach((d, conf) -> {
                Proto.Writer dw = new Proto.Writer().string(1, d);
                conf.forEach((k, v) -> dw.message(2, config(k, v)));
                w.message(5, dw);
            });
            w.int64(6, architecture).bool(7, stateful);
            w.int64(8, creationDate).int64(9, lastUsedDate).int64(10, expiryDate);
            return w;
        }

        static Snapshot decode(byte[] b) {
            String name = null;
            Map<String, String> conf = new LinkedHashMap<>();
            List<String> prof = new ArrayList<>();
            boolean eph = false;
            Map<String, Map<String, String>> devs = new LinkedHashMap<>();
            int arch = 0;
            boolean stateful = false;
            long c = 0;
            long u = 0;
            long x = 0;
            for (Proto.Field f : Proto.read(b)) {
                switch (f.number()) {
                    case 1 -> name = f.string();
                    case 2 -> putConfig(conf, f.bytes());
                    case 3 -> prof.add(f.string());
                    case 4 -> eph = f.bool();
                    case 5 -> {
                        String dn = "";
                        Map<String, String> dc = new LinkedHashMap<>();
                        for (Proto.Field g : Proto.read(f.bytes())) {
                            if (g.number() == 1) {
                                dn = g.string();
                            } else if (g.number() == 2) {
                                putConfig(dc, g.bytes());
                            }
                        }
                        devs.put(dn, dc);
                    }
                    case 6 -> arch = (int) f.varint();
                    case 7 -> stateful = f.bool();
                    case 8 -> c = f.varint();
                    case 9 -> u = f.varint();
                    case 10 -> x = f.varint();
                    default -> { }
                }
            }
            if (name == null) {
                throw new IllegalArgumentException("snapshot without a name");
            }
            return new Snapshot(name, conf, prof, eph, devs, arch, stateful, c, u, x);
        }

        private static Proto.Writer config(String k, String v) {
            return new Proto.Writer().string(1, k).string(2, v);
        }

        private static void putConfig(Map<String, String> into, byte[] b) {
            String k = "";
            String v = "";
            for (Proto.Field f : Proto.read(b)) {
                if (f.number() == 1) {
                    k = f.string();
                } else if (f.number() == 2) {
                    v = f.string();
                }
            }
            into.put(k, v);
        }
    }

    public byte[] encode() {
        Proto.Writer w = new Proto.Writer().int64(1, fs);
        if (criu != null) {
            w.int64(2, criu);
        }
        idmap.forEach(m -> w.message(3, m.encode()));
        snapshotNames.forEach(n -> w.string(4, n));
        snapshots.forEach(s -> w.message(5, s.encode()));
        if (predump != null) {
            w.bool(7, predump);
        }
        if (rsync != null) {
            w.message(8, rsync.encode());
        }
        if (refresh != null) {
            w.bool(9, refresh);
        }
        if (volumeSize != null) {
            w.int64(11, volumeSize);
        }
        if (indexHeaderVersion != null) {
            w.int64(13, indexHeaderVersion);
        }
        jlxd.forEach(f -> w.string(JLXD_FIELD, f));
        return w.toBytes();
    }

    public static MigrationHeader decode(byte[] data) {
        Integer fs = null;
        Integer criu = null;
        List<IdMap> idmap = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Snapshot> snaps = new ArrayList<>();
        Boolean predump = null;
        RsyncFeatures rsync = null;
        Boolean refresh = null;
        Long size = null;
        Integer index = null;
        List<String> jlxd = new ArrayList<>();
        for (Proto.Field f : Proto.read(data)) {
            switch (f.number()) {
                case 1 -> fs = (int) f.varint();
                case 2 -> criu = (int) f.varint();
                case 3 -> idmap.add(IdMap.decode(f.bytes()));
                case 4 -> names.add(f.string());
                case 5 -> snaps.add(Snapshot.decode(f.bytes()));
                case 7 -> predump = f.bool();
                case 8 -> rsync = RsyncFeatures.decode(f.bytes());
                case 9 -> refresh = f.bool();
                case 11 -> size = f.varint();
                case 13 -> index = (int) f.varint();
                case JLXD_FIELD -> jlxd.add(f.string());
                default -> { }
            }
        }
        if (fs == null) {
            throw new IllegalArgumentException("MigrationHeader without its required field \"fs\"");
        }
        return new MigrationHeader(fs, criu, idmap, names, snaps, predump, rsync, refresh, size, index, jlxd);
    }
}
