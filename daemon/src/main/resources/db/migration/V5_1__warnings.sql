-- Warnings (/1.0/warnings, LXD's shape): problems the daemon met in the background (a scheduled snapshot that
-- failed, a pool that did not mount, an undo step that failed). One row per (type, project, entity): a repeat
-- counts up and updates last_seen_at and last_message.
CREATE TABLE warnings (
    uuid          TEXT PRIMARY KEY,
    project       TEXT NOT NULL DEFAULT '',
    entity_url    TEXT NOT NULL DEFAULT '',
    type          TEXT NOT NULL,
    severity      TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'new',
    count         INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    last_message  TEXT NOT NULL,
    UNIQUE (type, project, entity_url)
);
