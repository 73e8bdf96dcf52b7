package io.jlxd.api.instance;

import java.util.List;

/**
 * {@code GET /1.0/instances/{name}/migration}: the pre-flight of a move, computed on the source before anything is
 * frozen. {@code liveMigratable}: running and nothing in {@code blockers} (what stops a live, CRIU, move: CRIU
 * missing or too old, a console pty, systemd sandboxing, nested user namespaces, open exec sessions,
 * sockets CRIU cannot dump); {@code notes}: what does not block but matters (no memory pre-copy without soft-dirty
 * tracking, host paths that must exist on the target...). The estimate is what would move and how long the instance
 * would stay frozen. A stopped instance has no blockers: it moves cold.
 */
public record InstanceMigrationCheck(String status, boolean liveMigratable, List<InstanceCheckpoint.Blocker> blockers,
                                     List<String> notes, String criuVersion, boolean memoryPrecopy, String storagePool,
                                     String storageDriver, int snapshots, int execSessions, Estimate estimate) {
    public InstanceMigrationCheck {
        blockers = List.copyOf(blockers);
        notes = List.copyOf(notes);
    }

    /**
     * What a move carries and the expected freeze: {@code rootfsBytes} (disk use of the root volume, moved while the
     * instance runs), {@code memoryBytes} (anonymous and shared memory of the instance's cgroup: what CRIU dumps),
     * {@code processes}, {@code downtimeMs} (expected freeze of a live move) and {@code downtimeBasis} (how it was
     * estimated).
     */
    public record Estimate(long rootfsBytes, long memoryBytes, int processes, long downtimeMs, String downtimeBasis) {
    }
}
