package io.jlxd.daemon.warnings;

import io.jlxd.api.Warning;
import io.jlxd.daemon.db.WarningTable;
import io.jlxd.daemon.util.Reverter;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Problems met in the background, where no client waits for an answer (a scheduled snapshot that failed, a pool
 * that did not mount at start, an undo step that failed): logged as warnings and stored for {@code /1.0/warnings}
 * (LXD's API), so that they are seen and acknowledged rather than lost in a log.
 */
public final class Warnings {
    private static final Logger LOG = Logger.getLogger(Warnings.class.getName());

    /** LXD's severities. */
    public enum Severity {
        LOW, MODERATE, HIGH;

        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final WarningTable table;
    private final String location;

    public Warnings(WarningTable table, String location) {
        this.table = table;
        this.location = location;
    }

    /** Warnings that are only logged (no table: unit tests, tools). */
    public static Warnings logOnly() {
        return new Warnings(null, "none");
    }

    public WarningTable table() {
        return table;
    }

    /**
     * Logs and stores one occurrence of a warning of {@code type} about {@code entityUrl} (empty for the server).
     * Never throws: a warning that cannot be stored is still logged.
     */
    public void record(String type, Severity severity, String entityUrl, String message) {
        LOG.warning(type + (entityUrl.isEmpty() ? "" : " (" + entityUrl + ")") + ": " + message);
        if (table == null) {
            return;
        }
        try {
            table.record(type, project(entityUrl), entityUrl, severity.apiName(), message, OffsetDateTime.now(ZoneOffset.UTC));
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot store the warning \"" + type + "\": " + e.getMessage());
        }
    }

    /** A reverter whose failed undo steps become warnings of the type "Undo failed" about {@code entityUrl}. */
    public Reverter reverter(String entityUrl) {
        return new Reverter(e -> record("Undo failed", Severity.HIGH, entityUrl, e.getMessage()));
    }

    private static String project(String entityUrl) {
        return io.jlxd.daemon.project.ProjectKeys.ofUrl(entityUrl);
    }

    public Warning view(WarningTable.Row r) {
        return new Warning(r.uuid(), location, r.project(), r.type(), r.count(), r.firstSeenAt(), r.lastSeenAt(), r.lastMessage(),
                r.severity(), r.status(), r.entityUrl());
    }
}
