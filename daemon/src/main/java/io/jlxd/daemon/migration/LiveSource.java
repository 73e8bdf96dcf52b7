package io.jlxd.daemon.migration;

import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.instance.Expand;
import io.jlxd.daemon.instance.FreezeJournal;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.DriverException;
import io.jlxd.daemon.nic.InstanceNics;
import io.jlxd.daemon.nic.NicDevice;
import io.jlxd.daemon.nic.Veths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The source's container during a live migration: frozen (the downtime starts), dumped by CRIU while frozen (CRIU
 * leaves the cgroup as it found it), cut off its bridges (its host-side veths down, so that its kernel neither
 * answers nor acknowledges what the peer of an open TCP connection sends meanwhile: that is for the restored copy),
 * and then either killed (the target restored it) or thawed and reconnected (anything failed): {@link #resume}.
 */
final class LiveSource implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LiveSource.class.getName());

    private final InstanceManager instances;
    private final String name;
    private final Path dumpDir;
    private final List<String> downLinks = new ArrayList<>();
    private boolean frozen;
    private boolean journaled;
    private boolean done;
    long frozenAtNanos;

    LiveSource(InstanceManager instances, String name) {
        this.instances = instances;
        this.name = name;
        this.dumpDir = instances.driver().containerDir(name).resolve("migration-dump");
    }

    Path dumpDir() {
        return dumpDir;
    }

    /** Freezes, dumps into {@link #dumpDir}, takes the NICs' host ends down. */
    void freezeAndDump(StepClock clock) throws IOException, DriverException {
        freezeAndDump(clock, null);
    }

    /** What {@link #freezeAndDump(StepClock, java.util.function.Supplier)} started once frozen (or null). */
    Background started;
    /** CRIU's own figures of the dump ({@link io.jlxd.snapshots.CriuStats#dump}). */
    java.util.Map<String, Long> criuStats = java.util.Map.of();

    /**
     * Freezes, starts {@code whileFrozen} (if any: the final file system pass, consistent as nothing runs), dumps
     * into {@link #dumpDir}, takes the NICs' host ends down. The freeze is journaled first ({@link FreezeJournal},
     * with the host ends and the dump): a daemon killed from here on thaws the container and brings its NICs up at
     * its next start.
     */
    void freezeAndDump(StepClock clock, java.util.function.Supplier<Background> whileFrozen) throws IOException, DriverException {
        if (Files.exists(dumpDir)) {
            io.jlxd.storage.image.ImageUnpacker.removeTree(dumpDir);
        }
        Files.createDirectories(dumpDir);
        Files.setPosixFilePermissions(dumpDir, PosixFilePermissions.fromString("rwx------"));
        List<String> ends = hostEnds();
        FreezeJournal.write(instances, name, ends, dumpDir, false);
        journaled = true;
        clock.restart();
        frozenAtNanos = System.nanoTime();
        instances.driver().freeze(name);
        frozen = true;
        clock.lap("freeze");
        if (whileFrozen != null) {
            started = whileFrozen.get();
        }
        instances.driver().checkpointFrozen(name, dumpDir);
        clock.lap("criu_dump");
        criuStats = io.jlxd.snapshots.CriuStats.dump(dumpDir);
        for (String h : ends) {
            downLinks.add(h); // before: a failure half way still brings it up
            Veths.setUp(h, false);
        }
        clock.lap("nics_down");
    }

    /**
     * The commit point of a live migration: the target runs the instance and keeps it. Journaled before anything is
     * done to the source, so that a daemon killed from here on stops the frozen source at its next start instead of
     * thawing it (two running copies). Then the source goes ({@link #kill}).
     */
    void commit() {
        done = true;
        try {
            FreezeJournal.write(instances, name, downLinks, dumpDir, true);
        } catch (IOException e) {
            LOG.warning("live migration of " + name + ": cannot journal the commit (a crash before the source is stopped"
                    + " would thaw it beside the target's copy): " + e.getMessage());
        }
    }

    private List<String> hostEnds() {
        InstanceTable.Row r = instances.row(name);
        List<String> out = new ArrayList<>();
        for (NicDevice n : InstanceNics.nics(Expand.devices(instances.profileRows(r.profiles()), r.devices()))) {
            String h = InstanceNics.hostName(n, r.volatileConfig());
            if (h != null && Veths.exists(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /** After {@link #commit}: the frozen source goes (thawed with its NICs down, then killed), then its journal. */
    void kill() throws DriverException, IOException {
        done = true;
        try {
            if (instances.driver().state(name) == ContainerState.FROZEN) {
                instances.driver().unfreeze(name);
            }
        } finally {
            instances.stopContainer(name, true, Duration.ZERO);
            removeDump();
        }
        FreezeJournal.remove(instances, name);
    }

    /** Anything failed: the source runs on as it was (NICs up, thawed). */
    void resume() {
        if (done) {
            return;
        }
        done = true;
        if (started != null) {
            started.cancel(); // the final pass: its stream ends, the target fails on it
        }
        for (String h : downLinks) {
            try {
                Veths.setUp(h, true);
            } catch (IOException e) {
                LOG.warning("live migration of " + name + ": cannot bring " + h + " up again: " + e.getMessage());
            }
        }
        boolean thawed = true;
        if (frozen) {
            try {
                if (instances.driver().state(name) == ContainerState.FROZEN) {
                    instances.driver().unfreeze(name);
                }
            } catch (DriverException e) {
                thawed = false;
                LOG.warning("live migration of " + name + ": cannot thaw it (the next start of the daemon tries again): " + e.getMessage());
            }
        }
        removeDump();
        if (journaled && thawed) {
            try {
                FreezeJournal.remove(instances, name);
            } catch (IOException e) {
                LOG.warning("live migration of " + name + ": cannot remove its freeze journal: " + e.getMessage());
            }
        }
    }

    private void removeDump() {
        try {
            if (Files.exists(dumpDir)) {
                io.jlxd.storage.image.ImageUnpacker.removeTree(dumpDir);
            }
        } catch (IOException e) {
            LOG.warning("live migration of " + name + ": cannot remove " + dumpDir + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        resume();
    }
}
