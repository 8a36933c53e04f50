-- Organisations, users, sessions and the audit log.
-- Keep in step with ../sqlite/0001_accounts.sql (the schema-parity test checks it).

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('counselling', 'iom_mission')),
    country     TEXT NOT NULL,
    is_demo     BIGINT NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id               TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    username         TEXT NOT NULL UNIQUE,
    display_name     TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('counsellor', 'return_officer', 'supervisor', 'admin')),
    password_hash    TEXT NOT NULL,
    active           BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX users_organisation ON users (organisation_id);

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

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

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
