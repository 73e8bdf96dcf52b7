-- Projects a restricted certificate may use (JSON array of names).
ALTER TABLE certificates ADD COLUMN projects TEXT NOT NULL DEFAULT '[]';

-- Open trust tokens (class "token" operations). Only the SHA-256 of the secret is kept: a copy of the
-- database does not give a usable token.
CREATE TABLE certificate_tokens (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL DEFAULT 'client',
    restricted    INTEGER NOT NULL DEFAULT 0,
    projects      TEXT NOT NULL DEFAULT '[]',
    description   TEXT NOT NULL DEFAULT '',
    secret_sha256 TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    expires_at    TEXT
);
