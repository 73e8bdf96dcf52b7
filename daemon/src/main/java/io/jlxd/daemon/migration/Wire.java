package io.jlxd.daemon.migration;

import io.jlxd.daemon.db.SnapshotTable;
import io.jlxd.daemon.instance.SpecFactory;
import io.jlxd.daemon.migration.wire.MigrationHeader;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Conversions between jlxd's rows and LXD's migration header. */
final class Wire {
    /** LXD's architecture numbers (shared/osarch). */
    private static final List<String> ARCHES = List.of("", "i686", "x86_64", "armv7l", "aarch64", "ppc", "ppc64", "ppc64le",
            "s390x", "mips", "mips64", "riscv32", "riscv64", "loongarch64");

    private Wire() {
    }

    static int arch(String name) {
        int i = ARCHES.indexOf(name);
        return i < 0 ? 0 : i;
    }

    static String arch(int id) {
        return id > 0 && id < ARCHES.size() ? ARCHES.get(id) : "x86_64";
    }

    /** The on-disk id map of an instance as LXD lists it: empty for a privileged one. */
    static List<MigrationHeader.IdMap> idmap(Map<String, String> expanded) {
        if ("true".equals(expanded.get("security.privileged"))) {
            return List.of();
        }
        return List.of(new MigrationHeader.IdMap(true, false, SpecFactory.IDMAP_BASE, 0, SpecFactory.IDMAP_SIZE),
                new MigrationHeader.IdMap(false, true, SpecFactory.IDMAP_BASE, 0, SpecFactory.IDMAP_SIZE));
    }

    /** A snapshot for the header; {@code profiles}: its profiles by their names in the instance's project. */
    static MigrationHeader.Snapshot snapshot(SnapshotTable.Row s, List<String> profiles) {
        return new MigrationHeader.Snapshot(s.name(), s.config(), profiles, s.ephemeral(), s.devices(), arch(s.architecture()),
                s.stateful(), s.createdAt().toEpochSecond(), s.createdAt().toEpochSecond(),
                s.expiresAt() == null ? 0 : s.expiresAt().toEpochSecond());
    }

    /** A received snapshot's row; {@code profiles}: its profiles as stored keys of the instance's project. */
    static SnapshotTable.Row snapshotRow(String instance, MigrationHeader.Snapshot s, List<String> profiles) {
        OffsetDateTime created = s.creationDate() > 0 ? OffsetDateTime.ofInstant(Instant.ofEpochSecond(s.creationDate()), ZoneOffset.UTC)
                : OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime expires = s.expiryDate() > 0 ? OffsetDateTime.ofInstant(Instant.ofEpochSecond(s.expiryDate()), ZoneOffset.UTC) : null;
        // the snapshot's saved CRIU state does not travel (LXD's rsync of a snapshot carries it in the volume; jlxd
        // keeps stateful snapshots' state inside the snapshot volume too, so the flag follows the data)
        return new SnapshotTable.Row(instance, s.name(), created, expires, s.stateful(), false, arch(s.architecture()), s.ephemeral(), "",
                s.localConfig(), s.localDevices(), profiles);
    }

    /** The rsync options both sides have. */
    static RsyncStream.Options agreed(RsyncStream.Options ours, MigrationHeader.RsyncFeatures theirs) {
        if (theirs == null) {
            return new RsyncStream.Options(false, false);
        }
        return new RsyncStream.Options(ours.xattrs() && theirs.xattrs(), ours.delete() && theirs.delete());
    }
}
