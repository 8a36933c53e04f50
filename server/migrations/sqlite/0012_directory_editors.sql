-- The social map's editors and suggestions (issue #7). An admin designates
-- users as editors of the map; anyone else suggests new entries and
-- corrections, which an editor accepts or rejects. Keep in step with the
-- other engine's 0012_directory_editors.sql.
ALTER TABLE users ADD COLUMN directory_editor INTEGER NOT NULL DEFAULT 0 CHECK (directory_editor IN (0, 1));

-- A suggestion: the whole entry as the suggester would have it (a new one
-- when entry_id has no entry yet), from the entry's version they read.
CREATE TABLE directory_suggestions (
    id            TEXT PRIMARY KEY,
    entry_id      TEXT NOT NULL,
    base_version  INTEGER NOT NULL,
    body          TEXT NOT NULL,
    note          TEXT NOT NULL,
    by_user       TEXT NOT NULL REFERENCES users (id),
    at            TEXT NOT NULL,
    -- pending, accepted, rejected
    state         TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
    decided_by    TEXT REFERENCES users (id),
    decided_at    TEXT,
    reason        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX directory_suggestions_state ON directory_suggestions (state, at);
