package io.jlxd.api.instance;

import java.util.List;

/**
 * {@code GET /1.0/instances/{name}/checkpoint}: whether CRIU can checkpoint the instance now (stateful stop), and
 * what prevents it. {@code probed}: a trial dump (leave-running) was made ({@code ?probe=true}).
 */
public record InstanceCheckpoint(boolean checkpointable, boolean probed, List<Blocker> blockers) {
    public InstanceCheckpoint {
        blockers = List.copyOf(blockers);
    }

    /** One reason the instance cannot be checkpointed, with what to do about it. */
    public record Blocker(String reason, String hint) {
    }
}
