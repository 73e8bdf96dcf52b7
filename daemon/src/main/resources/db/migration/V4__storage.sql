-- Storage pools (/1.0/storage-pools) and their config keys. The default pool is created by the daemon at its first
-- start (its driver is a start option), not here.
CREATE TABLE storage_pools (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    driver      TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE storage_pools_config (
    pool_id INTEGER NOT NULL REFERENCES storage_pools(id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (pool_id, key)
);

-- Volumes of every type (container, image, custom); a pool with volumes cannot be deleted (RESTRICT).
CREATE TABLE storage_volumes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id     INTEGER NOT NULL REFERENCES storage_pools(id) ON DELETE RESTRICT,
    type        TEXT NOT NULL CHECK (type IN ('container', 'image', 'custom')),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    UNIQUE (pool_id, type, name)
);
CREATE TABLE storage_volumes_config (
    volume_id INTEGER NOT NULL REFERENCES storage_volumes(id) ON DELETE CASCADE,
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (volume_id, key)
);
-- Snapshots of custom volumes (instance snapshots have their own table).
CREATE TABLE storage_volumes_snapshots (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    volume_id   INTEGER NOT NULL REFERENCES storage_volumes(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    UNIQUE (volume_id, name)
);
