package io.jlxd.daemon.instance;

import io.jlxd.api.instance.InstanceCheckpoint;
import io.jlxd.api.instance.InstanceCheckpoint.Blocker;
import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.instance.driver.DriverException;
import io.jlxd.daemon.instance.driver.LxcContainerDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Stateful stop and start (LXD's {@code "stateful": true} on {@code PUT .../state}): a stop checkpoints the container
 * with CRIU into {@code <volume>/state} and stops it, and the instance's {@code stateful} flag (a column of the
 * instances table, so it survives daemon restarts) says a state is saved. A start then restores it, unless asked
 * {@code "stateful": false} (LXD: a stateless start discards the state); a successful restore removes it. A failed
 * restore keeps it and leaves the instance stopped. A config change that the restored processes would not match
 * (anything but limits, boot, user, image and snapshot keys) discards it; deleting the instance deletes its volume
 * and so its state.
 */
public final class StatefulStop {
    public static final String STATE_DIR = "state";
    private static final Logger LOG = Logger.getLogger(StatefulStop.class.getName());
    /** Keys whose change does not invalidate a saved state (limits are applied anew at restore). */
    private static final List<String> HARMLESS_PREFIXES = List.of("limits.", "boot.", "user.", "image.", "snapshots.", "volatile.");

    private final LxcContainerDriver driver;
    private final RootfsStorage storage;
    private final InstanceTable table;
    private final CheckpointCheck check;

    private volatile io.jlxd.daemon.warnings.Warnings warnings = io.jlxd.daemon.warnings.Warnings.logOnly();

    void warnings(io.jlxd.daemon.warnings.Warnings w) {
        this.warnings = w;
    }

    public StatefulStop(LxcContainerDriver driver, RootfsStorage storage, InstanceTable table, CheckpointCheck check) {
        this.driver = driver;
        this.storage = storage;
        this.table = table;
        this.check = check;
    }

    /** Where the state of a stateful stop is saved: {@code <volume>/state}. */
    public Path dir(String name) {
        return storage.volume(name).resolve(STATE_DIR);
    }

    /**
     * Refuses, before an operation is made, what cannot work: {@code stateful} with restart/freeze/unfreeze, a
     * stateful stop of an ephemeral instance or of one with a blocker (frozen, CRIU missing, console, sandboxed
     * systemd services...), a stateful start without a saved state. Call after the plain state checks.
     */
    public void validate(InstanceTable.Row r, String action, Boolean stateful, Map<String, String> expanded) {
        if (!Boolean.TRUE.equals(stateful)) {
            return;
        }
        switch (action) {
            case "stop" -> {
                if (r.ephemeral()) {
                    throw ApiException.badRequest("An ephemeral instance cannot be stopped statefully (it is deleted when it stops)");
                }
                refuseBlocked(r.name(), expanded);
            }
            case "start" -> {
                if (!r.stateful()) {
                    throw ApiException.badRequest("The instance has no saved state to restore (stop it with stateful=true first)");
                }
            }
            default -> throw ApiException.badRequest("stateful applies to stop and start only, not to " + action);
        }
    }

    private void refuseBlocked(String name, Map<String, String> expanded) {
        List<Blocker> b = check.blockers(name, storage.rootfs(name), expanded);
        if (!b.isEmpty()) {
            throw ApiException.badRequest("The instance cannot be checkpointed: "
                    + b.stream().map(x -> x.reason() + " (" + x.hint() + ")").collect(Collectors.joining("; ")));
        }
    }

    /** The checkpointability report; a probe dumps into a scratch directory of the volume. */
    public InstanceCheckpoint report(String name, Map<String, String> expanded, boolean probe) {
        return check.report(name, storage.rootfs(name), expanded, probe, storage.volume(name).resolve(".checkpoint-probe"));
    }

    /**
     * Checkpoints and stops (in the operation). The blockers are checked again; when CRIU refuses, the partial
     * images are removed and the container keeps running.
     */
    public void stop(String name, Map<String, String> expanded) throws IOException {
        refuseBlocked(name, expanded);
        Path dir = dir(name);
        removeIfPresent(dir);
        try {
            driver.checkpoint(name, dir, true);
        } catch (DriverException e) {
            removeIfPresent(dir);
            throw new ApiException(e.kind() == DriverException.Kind.INVALID_STATE ? 400 : 500,
                    "Stateful stop failed, the instance keeps running: " + e.getMessage(), e);
        }
        table.setStateful(name, true);
    }

    /**
     * Start's part (in the operation): when a state is saved, restore it unless {@code stateful} is false (then
     * discard it). True when the instance was restored (it is RUNNING); false when it is to be booted.
     */
    public boolean restoreIfSaved(InstanceTable.Row r, Boolean stateful) throws IOException {
        if (!r.stateful()) {
            removeIfPresent(dir(r.name())); // left by a daemon that died during a stateful stop
            return false;
        }
        if (Boolean.FALSE.equals(stateful)) {
            discard(r.name());
            return false;
        }
        try {
            driver.restore(r.name(), dir(r.name()));
        } catch (DriverException e) {
            throw new ApiException(e.kind() == DriverException.Kind.INVALID_STATE ? 400 : 500,
                    "Restoring the saved state failed; the instance stays stopped and the state is kept "
                            + "(retry, or start with stateful=false to discard it): " + e.getMessage(), e);
        }
        discard(r.name());
        return true;
    }

    /**
     * Removes a saved state (no-op without one). The instance is marked stateless first: a state directory that
     * cannot be removed is then only a leftover (recorded as a warning; start-up recovery removes it), never a
     * state the next start would restore into a container it does not belong to.
     */
    public void discard(String name) throws IOException {
        table.setStateful(name, false);
        try {
            removeIfPresent(dir(name));
        } catch (IOException e) {
            warnings.record("Saved state not removed", io.jlxd.daemon.warnings.Warnings.Severity.MODERATE,
                    io.jlxd.daemon.project.ProjectKeys.instanceUrl(name), "the saved CRIU state of " + name + " could not be removed (removed at the"
                            + " next daemon start): " + e.getMessage());
        }
    }

    /** After an update: discards the saved state when the change is one the restored processes would not match. */
    public void updated(InstanceTable.Row before, Map<String, String> expandedBefore, Map<String, Map<String, String>> devicesBefore,
                        Map<String, String> expandedAfter, Map<String, Map<String, String>> devicesAfter) {
        if (!before.stateful()) {
            return;
        }
        if (!relevant(expandedBefore).equals(relevant(expandedAfter)) || !Objects.equals(devicesBefore, devicesAfter)) {
            try {
                discard(before.name());
                LOG.info("saved state of " + before.name() + " discarded: its configuration changed");
            } catch (IOException | RuntimeException e) {
                warnings.record("Saved state not discarded", io.jlxd.daemon.warnings.Warnings.Severity.HIGH,
                        io.jlxd.daemon.project.ProjectKeys.instanceUrl(before.name()), "the configuration changed but the saved state could not be"
                                + " discarded: " + e.getMessage());
            }
        }
    }

    private static Map<String, String> relevant(Map<String, String> config) {
        return config.entrySet().stream().filter(e -> HARMLESS_PREFIXES.stream().noneMatch(e.getKey()::startsWith))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static void removeIfPresent(Path dir) throws IOException {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            io.jlxd.storage.image.ImageUnpacker.removeTree(dir);
        }
    }
}
