-- Instance snapshots (/1.0/instances/{name}/snapshots). A row exists only once its volume is complete (the volume is
-- made first under a temporary name, renamed, then the row is inserted); the daemon reconciles both at start.
CREATE TABLE instances_snapshots (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id   INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    creation_date TEXT NOT NULL,
    expires_at    TEXT,
    stateful      INTEGER NOT NULL DEFAULT 0,
    scheduled     INTEGER NOT NULL DEFAULT 0,
    architecture  TEXT NOT NULL,
    ephemeral     INTEGER NOT NULL DEFAULT 0,
    description   TEXT NOT NULL DEFAULT '',
    UNIQUE (instance_id, name)
);
-- The instance's config (user and volatile keys), devices and profiles at the moment of the snapshot. Profiles are
-- kept by name: a snapshot does not prevent deleting a profile (restoring then fails with a clear error).
CREATE TABLE instances_snapshots_config (
    snapshot_id INTEGER NOT NULL REFERENCES instances_snapshots(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, key)
);
CREATE TABLE instances_snapshots_devices (
    snapshot_id INTEGER NOT NULL REFERENCES instances_snapshots(id) ON DELETE CASCADE,
    device      TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, device, key)
);
CREATE TABLE instances_snapshots_profiles (
    snapshot_id INTEGER NOT NULL REFERENCES instances_snapshots(id) ON DELETE CASCADE,
    profile     TEXT NOT NULL,
    apply_order INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, profile)
);
-- The scheduler's memory: the last slot fired per instance (written in the same transaction as the scheduled
-- snapshot's row), so that a restart never fires a slot twice, and the schedule it belongs to (a changed schedule
-- starts counting from the change, not from an old slot).
CREATE TABLE instances_snapshot_schedule (
    instance_id INTEGER PRIMARY KEY NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    last_slot   TEXT NOT NULL,
    schedule    TEXT NOT NULL DEFAULT ''
);
-- A restore in progress (crash safety): written before the instance's config and volume are replaced, removed after.
-- At start, a row left here is rolled forward: the restore is done again from the snapshot.
CREATE TABLE instances_snapshot_restores (
    instance_id INTEGER PRIMARY KEY NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    snapshot_id INTEGER NOT NULL REFERENCES instances_snapshots(id) ON DELETE CASCADE
);
