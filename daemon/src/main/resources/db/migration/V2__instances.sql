-- Profiles (/1.0/profiles) and their config keys and devices (one row per device key).
CREATE TABLE profiles (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE profiles_config (
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (profile_id, key)
);
CREATE TABLE profiles_devices (
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    device     TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (profile_id, device, key)
);

-- Instances (/1.0/instances).
CREATE TABLE instances (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL DEFAULT 'container' CHECK (type IN ('container')),
    architecture TEXT NOT NULL,
    ephemeral    INTEGER NOT NULL DEFAULT 0,
    stateful     INTEGER NOT NULL DEFAULT 0,
    description  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL
);
-- The user's config keys; the daemon's volatile.* keys are kept in their own table, out of reach of PUT/PATCH.
CREATE TABLE instances_config (
    instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (instance_id, key)
);
CREATE TABLE instances_volatile (
    instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    key         TEXT NOT NULL CHECK (key LIKE 'volatile.%'),
    value       TEXT NOT NULL,
    PRIMARY KEY (instance_id, key)
);
CREATE TABLE instances_devices (
    instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    device      TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (instance_id, device, key)
);
-- Profiles applied to an instance, in order; a profile in use cannot be deleted (RESTRICT).
CREATE TABLE instances_profiles (
    instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE RESTRICT,
    apply_order INTEGER NOT NULL,
    PRIMARY KEY (instance_id, profile_id)
);
CREATE INDEX instances_profiles_profile ON instances_profiles(profile_id);

-- The default profile carries the root disk.
INSERT INTO profiles (name, description) VALUES ('default', 'Default jlxd profile');
INSERT INTO profiles_devices (profile_id, device, key, value)
    SELECT id, 'root', 'type', 'disk' FROM profiles WHERE name = 'default';
INSERT INTO profiles_devices (profile_id, device, key, value)
    SELECT id, 'root', 'path', '/' FROM profiles WHERE name = 'default';
INSERT INTO profiles_devices (profile_id, device, key, value)
    SELECT id, 'root', 'pool', 'default' FROM profiles WHERE name = 'default';
