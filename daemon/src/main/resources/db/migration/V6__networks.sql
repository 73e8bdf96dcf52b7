-- Managed networks (/1.0/networks, type bridge) and their config keys. The default network is created by the daemon at
-- its first start (unless started with --network none), not here.
CREATE TABLE networks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL DEFAULT 'bridge',
    description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE networks_config (
    network_id INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (network_id, key)
);
-- Network forwards: a listen address per network; port rules as a JSON array (LXD's ports[]).
CREATE TABLE networks_forwards (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    network_id     INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
    listen_address TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    ports          TEXT NOT NULL DEFAULT '[]',
    UNIQUE (network_id, listen_address)
);
CREATE TABLE networks_forwards_config (
    forward_id INTEGER NOT NULL REFERENCES networks_forwards(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (forward_id, key)
);
