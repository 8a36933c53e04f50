-- Cases and their plan sections. Keep in step with the other engine's
-- 0005_cases.sql (the schema-parity test checks it).
--
-- A case is known by its code; the client by an alias (pseudonymous, never
-- required to be a real name). The summary columns (stage, risk level,
-- next milestone, ready for handover) are computed by the application
-- from the sections, in the transaction that saves one, for the caseload.
CREATE TABLE cases (
    id                  TEXT PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    organisation_id     TEXT NOT NULL REFERENCES organisations (id),
    owner_id            TEXT NOT NULL REFERENCES users (id),
    alias               TEXT NOT NULL,
    -- The alias without case, accents or punctuation, for search and the
    -- duplicate check.
    alias_folded        TEXT NOT NULL,
    nationality         TEXT,
    -- domain::case::Birth as JSON.
    birth               TEXT NOT NULL,
    stage               TEXT NOT NULL,
    risk_level          TEXT,
    next_milestone      TEXT,
    next_due            TEXT,
    ready_for_handover  BIGINT NOT NULL DEFAULT 0 CHECK (ready_for_handover IN (0, 1)),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX cases_org_updated ON cases (organisation_id, updated_at);
CREATE INDEX cases_owner_updated ON cases (owner_id, updated_at);

-- One row per section of a case, with its own version: two people editing
-- different sections never conflict; a save names the version it started
-- from and fails when the row has moved on.
CREATE TABLE case_sections (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    section     TEXT NOT NULL,
    version     BIGINT NOT NULL CHECK (version > 0),
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (case_id, section)
);
