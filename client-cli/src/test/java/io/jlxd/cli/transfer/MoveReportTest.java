package io.jlxd.cli.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class MoveReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDaemonsSayWhatKindAndHowLongFrozen() throws Exception {
        MoveReport r = MoveReport.fromOperations(JSON.readTree("{\"metadata\":{\"control\":\"x\",\"downtime_ms\":380}}"),
                JSON.readTree("{\"metadata\":{\"migration_type\":\"live\",\"downtime_ms\":412}}"),
                MoveReport.Kind.LIVE, 3210);
        assertEquals(MoveReport.Kind.LIVE, r.kind());
        assertEquals(412L, r.frozenMillis(), "the target's figure wins");
        assertEquals("Moved local:c1 to host2:c1: live (CRIU: processes and memory kept), frozen for 0.41 s (3.21 s in all)",
                r.describe("local:c1", "host2:c1"));

        MoveReport fallback = MoveReport.fromOperations(null, JSON.readTree("{\"metadata\":{\"migration_type\":\"stateless\"}}"),
                MoveReport.Kind.LIVE, 1000);
        assertEquals(MoveReport.Kind.NEAR_LIVE, fallback.kind(), "a daemon that fell back from CRIU says so");
        assertNull(fallback.frozenMillis());

        MoveReport silent = MoveReport.fromOperations(JSON.readTree("{\"metadata\":{}}"), null, MoveReport.Kind.LIVE, 1000);
        assertEquals("Moved a:c to b:c: live (CRIU: processes and memory kept), frozen time not reported by the daemons (1.00 s in all)",
                silent.describe("a:c", "b:c"));
    }

    @Test
    void clientDrivenMoves() {
        assertEquals("Moved a:c to b:c: cold (the instance was stopped) (2.00 s in all)",
                new MoveReport(MoveReport.Kind.COLD, null, 2000).describe("a:c", "b:c"));
        assertEquals("Moved a:c to b:c: near-live (stateless: filesystem copied while running, then stopped, synced and"
                + " restarted), down for 1.50 s (4.00 s in all)", new MoveReport(MoveReport.Kind.NEAR_LIVE, 1500L, 4000).describe("a:c", "b:c"));
    }
}
