-- Organisations, users, sessions and the audit log.
-- Keep in step with ../postgres/0001_accounts.sql (the schema-parity test checks it).

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('counselling', 'iom_mission')),
    country     TEXT NOT NULL,
    is_demo     INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id               TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    username         TEXT NOT NULL UNIQUE,
    display_name     TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('counsellor', 'return_officer', 'supervisor', 'admin')),
    password_hash    TEXT NOT NULL,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX users_organisation ON users (organisation_id);

-- The id is the SHA-256 of the session token: a stolen copy of the table
-- gives no usable cookie.
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Append-only: the application never updates or deletes these rows.
CREATE TABLE audit_events (
    id               TEXT PRIMARY KEY,
    occurred_at      TEXT NOT NULL,
    actor_user_id    TEXT,
    actor_role       TEXT,
    organisation_id  TEXT,
    action           TEXT NOT NULL,
    case_code        TEXT,
    section          TEXT,
    outcome          TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed'))
);
CREATE INDEX audit_events_time ON audit_events (occurred_at);
CREATE INDEX audit_events_org_time ON audit_events (organisation_id, occurred_at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
