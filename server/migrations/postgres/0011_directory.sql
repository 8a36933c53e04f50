-- The social map (issue #7): one row per organisation with its record as
-- JSON (domain::directory::Organisation) and the columns the search and
-- lists need, and every version of every entry. Keep in step with the
-- other engine's 0011_directory.sql (the schema-parity test checks it).
CREATE TABLE directory_entries (
    id          TEXT PRIMARY KEY,
    version     BIGINT NOT NULL,
    body        TEXT NOT NULL,
    name        TEXT NOT NULL,
    country     TEXT NOT NULL,
    archived    BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT REFERENCES users (id)
);
CREATE INDEX directory_entries_country ON directory_entries (country, archived);

-- Every version of an entry as it was saved, with who changed it and how
-- (create, edit, verify, archive, import, seed).
CREATE TABLE directory_versions (
    entry_id    TEXT NOT NULL REFERENCES directory_entries (id),
    version     BIGINT NOT NULL,
    body        TEXT NOT NULL,
    change      TEXT NOT NULL,
    at          TEXT NOT NULL,
    by_user     TEXT REFERENCES users (id),
    PRIMARY KEY (entry_id, version)
);
