package io.jlxd.daemon.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.daemon.migration.wire.MigrationHeader;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationHeaderFeaturesTest {
    private static MigrationHeader plain() {
        return new MigrationHeader(MigrationHeader.FS_RSYNC, MigrationHeader.CRIU_RSYNC, List.of(), List.of(), List.of(), false,
                new MigrationHeader.RsyncFeatures(true, true, false, false), false, null, null);
    }

    @Test
    void jlxdFeaturesRoundTripAndLxdsFieldsAreUnchanged() {
        MigrationHeader h = plain().withJlxd(List.of(MigrationHeader.STATE_STREAM, MigrationHeader.OVERLAP_FINAL_FS));
        MigrationHeader back = MigrationHeader.decode(h.encode());
        assertEquals(h, back);
        assertTrue(back.has(MigrationHeader.STATE_STREAM));
        // without features the bytes are what LXD's own header would be (nothing added)
        assertEquals(java.util.Arrays.toString(plain().encode()),
                java.util.Arrays.toString(MigrationHeader.decode(plain().encode()).encode()));
    }

    @Test
    void aHeaderWithoutTheFieldHasNoFeatures() {
        // what an LXD peer answers: it never echoes the unknown field
        MigrationHeader lxd = MigrationHeader.decode(plain().encode());
        assertTrue(lxd.jlxd().isEmpty());
        assertFalse(lxd.has(MigrationHeader.OVERLAP_FINAL_FS));
    }

    @Test
    void theTargetAnswersOnlyWhatItTakes() {
        List<String> offered = List.of(MigrationHeader.OVERLAP_FINAL_FS, "something_newer");
        assertEquals(List.of(MigrationHeader.OVERLAP_FINAL_FS),
                offered.stream().filter(TargetMigration.TARGET_FEATURES::contains).toList());
        assertTrue(TargetMigration.TARGET_FEATURES.containsAll(SourceMigration.LIVE_FEATURES));
    }

    @Test
    void theCompatibilitySwitchTurnsEveryFeatureOff() {
        assertEquals(List.of(), JlxdFeatures.enabled("none"));
        assertEquals(JlxdFeatures.ALL, JlxdFeatures.enabled(null));
        assertTrue(JlxdFeatures.ALL.contains(MigrationHeader.NEAR_LIVE));
    }

    @Test
    void precopyIsReportedUnavailableWithoutSoftDirty() {
        assertEquals("unavailable (no soft-dirty)", Precopy.status(() -> false));
        assertFalse(Precopy.status(() -> true).contains("unavailable"));
    }

    @Test
    void stepClockAddsRepeatedSteps() throws Exception {
        StepClock c = new StepClock();
        c.lap("a");
        c.lap("b");
        c.lap("a");
        assertEquals(List.of("a_ms", "b_ms"), List.copyOf(c.steps().keySet()));
    }
}
