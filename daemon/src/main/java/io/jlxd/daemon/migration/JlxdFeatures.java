package io.jlxd.daemon.migration;

import io.jlxd.daemon.migration.wire.MigrationHeader;
import java.util.List;

/**
 * The jlxd-only migration features this daemon offers (as a source) and takes (as a target) in the MigrationHeader
 * ({@link MigrationHeader#JLXD_FIELD}). The environment variable {@code JLXD_MIGRATION_FEATURES=none} turns them
 * all off: the daemon then migrates exactly as with an LXD peer (rsync for the state, the final pass after the
 * dump, no near-live moves). It is a compatibility switch, and how the tests make a peer that offers nothing.
 */
final class JlxdFeatures {
    static final List<String> ALL = List.of(MigrationHeader.OVERLAP_FINAL_FS, MigrationHeader.STATE_STREAM, MigrationHeader.NEAR_LIVE);

    private JlxdFeatures() {
    }

    static List<String> enabled() {
        return enabled(System.getenv("JLXD_MIGRATION_FEATURES"));
    }

    static List<String> enabled(String setting) {
        return setting != null && setting.strip().equals("none") ? List.of() : ALL;
    }
}
