-- Optional TOTP second factor (RFC 6238). Secrets are stored sealed with the
-- server's secret key (XChaCha20-Poly1305, bound to the user id), never in
-- clear. Keep in step with ../postgres/0004_second_factor.sql.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
-- A secret being set up, until the user confirms it with a first code,
-- shown only to the sign-in challenge or session it was made for (the
-- SHA-256 of that token).
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_pending_for TEXT;
-- The last time step accepted: a code is never accepted twice.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;

-- A sign-in waiting for its second factor: the password was right. The id
-- is the SHA-256 of the token in the short-lived challenge cookie.
CREATE TABLE sign_in_challenges (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    next_path   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    -- Wrong codes against this challenge; a few end it.
    failures    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sign_in_challenges_expiry ON sign_in_challenges (expires_at);
