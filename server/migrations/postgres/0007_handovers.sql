-- Handovers to IOM missions, their conversation, and snapshots of plans.
-- Keep in step with the other engine's 0007_handovers.sql (the
-- schema-parity test checks it).

-- More of the summary the application computes from the sections, for
-- deadlines, the supervisor's dashboard and its statistics. Dates are
-- YYYY-MM-DD text.
ALTER TABLE cases ADD COLUMN first_contact_on TEXT;
ALTER TABLE cases ADD COLUMN screened_on TEXT;
-- domain::screening::Judgement, snake_case.
ALTER TABLE cases ADD COLUMN screening TEXT;
ALTER TABLE cases ADD COLUMN decided_on TEXT;
-- stay, onward or return (the client's decision).
ALTER TABLE cases ADD COLUMN decision TEXT;
ALTER TABLE cases ADD COLUMN departure_on TEXT;
ALTER TABLE cases ADD COLUMN departed_on TEXT;
ALTER TABLE cases ADD COLUMN arrived_on TEXT;
-- A high-risk return waiting for a supervisor's approval.
ALTER TABLE cases ADD COLUMN awaiting_approval BIGINT NOT NULL DEFAULT 0 CHECK (awaiting_approval IN (0, 1));
CREATE INDEX cases_org_stage ON cases (organisation_id, stage);
CREATE INDEX cases_org_due ON cases (organisation_id, next_due);

-- A plan handed over to an IOM mission. At most one is active (new,
-- needs information, accepted) per case; rejected and withdrawn ones stay
-- as history.
CREATE TABLE handovers (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases (id),
    mission_id      TEXT NOT NULL REFERENCES organisations (id),
    status          TEXT NOT NULL CHECK (status IN ('new', 'needs_information', 'accepted', 'rejected', 'withdrawn')),
    -- The sections the client had consented to share with the mission at
    -- the handover (JSON list); what the mission may read is this and the
    -- consent as it stands now.
    sections        TEXT NOT NULL,
    handed_over_at  TEXT NOT NULL,
    handed_over_by  TEXT NOT NULL REFERENCES users (id),
    -- The last move: how long the handover has waited in its status.
    updated_at      TEXT NOT NULL,
    accepted_at     TEXT
);
CREATE UNIQUE INDEX handovers_one_active ON handovers (case_id)
    WHERE status IN ('new', 'needs_information', 'accepted');
CREATE INDEX handovers_mission ON handovers (mission_id, status, updated_at);
CREATE INDEX handovers_case ON handovers (case_id, handed_over_at);

-- The conversation: the handover's note, questions, answers, reasons.
CREATE TABLE handover_messages (
    id           TEXT PRIMARY KEY,
    handover_id  TEXT NOT NULL REFERENCES handovers (id),
    at           TEXT NOT NULL,
    by_user      TEXT NOT NULL REFERENCES users (id),
    -- handover, accept, reject, ask, answer, withdraw
    move         TEXT NOT NULL,
    body         TEXT NOT NULL
);
CREATE INDEX handover_messages_of ON handover_messages (handover_id, at);

-- Every section of a plan as it stood at a handover, an approval or a
-- change of stage: {"section": {"version": n, "body": {...}}}.
CREATE TABLE case_snapshots (
    id        TEXT PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES cases (id),
    at        TEXT NOT NULL,
    -- handover, handover.accept, …, approval, stage
    reason    TEXT NOT NULL,
    stage     TEXT NOT NULL,
    by_user   TEXT NOT NULL REFERENCES users (id),
    body      TEXT NOT NULL
);
CREATE INDEX case_snapshots_of ON case_snapshots (case_id, at);

-- A case's own access log reads the audit by its code, across the
-- organisations that saw it.
CREATE INDEX audit_events_case_time ON audit_events (case_code, occurred_at);
