-- ILO indicator lists an operator loads as new catalogue versions (issue
-- #15, item 1). Keep in step with the other engine's
-- 0016_indicator_lists.sql.
--
-- Each version is kept whole and never changed or removed: results name
-- the version they were worked out with. Screenings use the newest one
-- loaded (by loaded_at), else the list built into the binary.
CREATE TABLE indicator_lists (
    version      TEXT PRIMARY KEY,
    -- The catalogue file as loaded (JSON, catalog::IloCatalogue).
    body         TEXT NOT NULL,
    -- SHA-256 of body, hex: matches the file to the operator's copy.
    digest       TEXT NOT NULL UNIQUE,
    source       TEXT NOT NULL,
    -- Who checked the wording and the grades against the source.
    verified_by  TEXT NOT NULL,
    loaded_at    TEXT NOT NULL
);
CREATE INDEX indicator_lists_loaded ON indicator_lists (loaded_at);
