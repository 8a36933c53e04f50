-- Links that open the client's copy of a plan (issue #6, item 4). Keep in
-- step with the other engine's 0010_share_links.sql (the schema-parity
-- test checks it).
--
-- The link's token (256 random bits) is never stored: only its SHA-256,
-- so that a copy of the database opens no link. The optional PIN is kept
-- as an Argon2id hash like a password. Rows stay after revocation or
-- expiry: the counsellor sees every link ever made and its views.
CREATE TABLE share_links (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases (id),
    token_hash    TEXT NOT NULL UNIQUE,
    -- The language the copy opens in (en, nl, fr, ar).
    language      TEXT NOT NULL,
    pin_hash      TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users (id),
    expires_at    TEXT NOT NULL,
    revoked_at    TEXT,
    revoked_by    TEXT REFERENCES users (id),
    -- PIN tries in the current window (counted before the check), the
    -- lock the last of them set, and how many locks the link has had: at
    -- the third it is switched off (domain::share).
    failed_pins   BIGINT NOT NULL DEFAULT 0,
    locked_until  TEXT,
    pin_locks     BIGINT NOT NULL DEFAULT 0,
    views         BIGINT NOT NULL DEFAULT 0,
    last_view_at  TEXT
);
CREATE INDEX share_links_case ON share_links (case_id, created_at);
