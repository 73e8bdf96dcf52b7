package io.jlxd.daemon.snapshot;

import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.SnapshotTable;
import io.jlxd.daemon.instance.Expand;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.snapshots.CronSchedule;
import io.jlxd.snapshots.Retention;
import io.jlxd.snapshots.SnapshotConfig;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The snapshot scheduler: one daemon thread that wakes every second and
 * <ul>
 * <li>fires {@code snapshots.schedule}: when a slot fell after the instance's last fired slot, it takes one scheduled
 * snapshot (named by {@code snapshots.pattern}, expiring after {@code snapshots.expiry}) — a running instance always, a
 * stopped one only with {@code snapshots.schedule.stopped=true} (otherwise the slot is skipped). Slots missed while the
 * daemon was down are not replayed: the latest one fires once. The slot is stored in the same transaction as the
 * snapshot's row, so a restart never fires a slot twice; a changed schedule counts from the moment of the change;</li>
 * <li>applies {@code snapshots.retention} to the scheduled snapshots after each scheduled snapshot;</li>
 * <li>every {@link #PRUNE_EVERY}: deletes every snapshot whose {@code expires_at} has passed, and applies retention.</li>
 * </ul>
 */
public final class SnapshotScheduler {
    static final Duration PRUNE_EVERY = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(SnapshotScheduler.class.getName());
    private final InstanceSnapshots snapshots;
    private volatile boolean stopped;
    private Thread thread;
    private long lastPrune;

    public SnapshotScheduler(InstanceSnapshots snapshots) {
        this.snapshots = snapshots;
    }

    public void start() {
        thread = Thread.ofPlatform().daemon().name("snapshot-scheduler").start(this::loop);
    }

    /** Stops the thread (a snapshot being copied is abandoned and its temporary removed) and waits for it. */
    public void stop() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        while (!stopped) {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.warning("snapshot scheduler: " + e.getMessage());
            }
            try {
                long ms = 1000 - snapshots.clock.millis() % 1000;
                Thread.sleep(ms + 5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One round: fire due schedules, then prune when it is time. */
    void tick() {
        ZonedDateTime now = ZonedDateTime.now(snapshots.clock);
        for (String name : snapshots.instances.names()) {
            try {
                fire(name, now);
            } catch (RuntimeException e) {
                LOG.warning("scheduled snapshot of " + name + ": " + e.getMessage());
            }
        }
        if (snapshots.clock.millis() - lastPrune >= PRUNE_EVERY.toMillis()) {
            lastPrune = snapshots.clock.millis();
            prune(now);
        }
    }

    private void fire(String name, ZonedDateTime now) {
        InstanceManager im = snapshots.instances;
        Optional<InstanceTable.Row> row = im.table().get(name);
        if (row.isEmpty()) {
            return;
        }
        Map<String, String> expanded = Expand.config(im.profileRows(row.get().profiles()), row.get().config());
        String spec = expanded.getOrDefault(SnapshotConfig.SCHEDULE, "");
        if (spec.isEmpty()) {
            return;
        }
        CronSchedule schedule;
        try {
            schedule = CronSchedule.parse(spec);
        } catch (IllegalArgumentException e) {
            return; // refused at write time; a profile changed behind our back is not worth a log line per second
        }
        Optional<SnapshotTable.Schedule> state = snapshots.table.schedule(name);
        if (state.isEmpty() || !state.get().schedule().equals(spec)) {
            snapshots.table.setSchedule(name, utc(now), spec);
            return;
        }
        Optional<ZonedDateTime> due = schedule.latestDue(state.get().lastSlot().atZoneSameInstant(now.getZone()), now);
        if (due.isEmpty()) {
            return;
        }
        OffsetDateTime slot = utc(due.get());
        ContainerState cs = im.containerState(name);
        boolean running = cs != null && cs.active();
        if (!running && !expanded.getOrDefault(SnapshotConfig.SCHEDULE_STOPPED, "false").toLowerCase(java.util.Locale.ROOT).matches("true|1|yes|on")) {
            snapshots.table.setSchedule(name, slot, null);
            return;
        }
        try {
            im.withLock(name, () -> {
                SnapshotTable.Row r = snapshots.take(name, null, false, null, true, slot);
                snapshots.events.lifecycle("instance-snapshot-created", InstanceSnapshots.url(name, r.name()), Map.of("scheduled", true), null);
                LOG.info("scheduled snapshot " + name + "/" + r.name() + " (slot " + slot + ")");
                applyRetention(name, now);
                return null;
            });
        } catch (Exception e) {
            snapshots.table.setSchedule(name, slot, null); // a failed slot is not retried: it is a warning
            im.warnings().record("Scheduled snapshot failed", io.jlxd.daemon.warnings.Warnings.Severity.MODERATE,
                    InstanceManager.url(name), "the scheduled snapshot of slot " + slot + " failed (nothing was kept): "
                            + e.getMessage());
        }
    }

    /** Deletes expired snapshots and applies retention policies. */
    void prune(ZonedDateTime now) {
        for (String name : snapshots.instances.names()) {
            try {
                snapshots.instances.withLock(name, () -> {
                    for (SnapshotTable.Row r : snapshots.table.list(name)) {
                        if (r.expiresAt() != null && !r.expiresAt().toInstant().isAfter(now.toInstant())) {
                            snapshots.remove(name, r.name());
                            snapshots.events.lifecycle("instance-snapshot-deleted", InstanceSnapshots.url(name, r.name()),
                                    Map.of("reason", "expired"), null);
                            LOG.info("expired snapshot " + name + "/" + r.name() + " deleted");
                        }
                    }
                    applyRetention(name, now);
                    return null;
                });
            } catch (Exception e) {
                snapshots.instances.warnings().record("Snapshot pruning failed", io.jlxd.daemon.warnings.Warnings.Severity.LOW,
                        InstanceManager.url(name), e.getMessage());
            }
        }
    }

    /** Deletes the scheduled snapshots that the instance's snapshots.retention does not keep (caller holds the lock). */
    private void applyRetention(String name, ZonedDateTime now) throws Exception {
        InstanceManager im = snapshots.instances;
        Optional<InstanceTable.Row> row = im.table().get(name);
        if (row.isEmpty()) {
            return;
        }
        String policy = Expand.config(im.profileRows(row.get().profiles()), row.get().config()).getOrDefault(SnapshotConfig.RETENTION, "");
        if (policy.isEmpty()) {
            return;
        }
        Retention retention;
        try {
            retention = Retention.parse(policy);
        } catch (IllegalArgumentException e) {
            return;
        }
        List<Retention.Item> items = new ArrayList<>();
        for (SnapshotTable.Row r : snapshots.table.list(name)) {
            if (r.scheduled()) {
                items.add(new Retention.Item(r.name(), r.createdAt().atZoneSameInstant(now.getZone())));
            }
        }
        for (String snap : retention.prune(items, now.getZone())) {
            snapshots.remove(name, snap);
            snapshots.events.lifecycle("instance-snapshot-deleted", InstanceSnapshots.url(name, snap), Map.of("reason", "retention"), null);
            LOG.info("snapshot " + name + "/" + snap + " pruned by snapshots.retention=" + policy);
        }
    }

    private static OffsetDateTime utc(ZonedDateTime t) {
        return t.toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
    }
}
