-- Images (/1.0/images): one row per image whose files are under <datadir>/images (ImageStore).
CREATE TABLE images (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    fingerprint   TEXT NOT NULL UNIQUE,
    filename      TEXT NOT NULL DEFAULT '',
    size          INTEGER NOT NULL,
    architecture  TEXT NOT NULL,
    type          TEXT NOT NULL DEFAULT 'container',
    public        INTEGER NOT NULL DEFAULT 0,
    auto_update   INTEGER NOT NULL DEFAULT 0,
    cached        INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    uploaded_at   TEXT NOT NULL,
    last_used_at  TEXT,
    expires_at    TEXT
);

-- Free-form image properties (os, release, description...).
CREATE TABLE image_properties (
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (image_id, key)
);

-- Image aliases (/1.0/images/aliases): a name pointing at one image.
CREATE TABLE image_aliases (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    image_id    INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    description TEXT NOT NULL DEFAULT ''
);
