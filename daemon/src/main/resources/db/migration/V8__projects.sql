-- Projects (LXD's /1.0/projects). "default" always exists. Instances of other projects are stored under their
-- host-wide key "<project>_<name>" (LXD's on-disk name; instance names have no "_" and project names may not
-- contain one): the key is unique host-wide, and existing rows are default's without any change.
CREATE TABLE projects (
    name        TEXT PRIMARY KEY NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    config      TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO projects(name, description, config) VALUES ('default', 'Default LXD project', '{}');
