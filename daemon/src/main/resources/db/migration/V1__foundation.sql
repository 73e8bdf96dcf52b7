-- Server configuration keys (PUT /1.0).
CREATE TABLE config (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- Trusted client certificates (/1.0/certificates).
CREATE TABLE certificates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    fingerprint TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL DEFAULT 'client',
    name        TEXT NOT NULL,
    certificate TEXT NOT NULL,
    restricted  INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT ''
);
