-- Rename journal: written before an instance's row or volume changes name, removed when both agree. A row left
-- here at start means a crash in between; start-up recovery then puts the row, the volume, its snapshots and the
-- LXC definition under one name (the row's: forward when the row was renamed, back otherwise).
CREATE TABLE instances_renames (
    old_name TEXT PRIMARY KEY,
    new_name TEXT NOT NULL
);
