-- Accounts waiting to be set up by their holder (issue #16: no back door
-- for admins). Keep in step with the other engine's 0017_account_setups.sql.
--
-- An admin never sets the password of an account that reads cases: a new
-- such account, or one whose password an admin reset, has no usable
-- password and a row here until its holder chooses one with a one-time
-- set-up code. A supervisor of the organisation (who reads its cases
-- already) or the operator makes the code; only its SHA-256 is kept.
CREATE TABLE account_setups (
    user_id       TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reason        TEXT NOT NULL CHECK (reason IN ('new_account', 'password_reset')),
    -- The admin who asked for it (NULL: the operator's command).
    requested_by  TEXT,
    requested_at  TEXT NOT NULL,
    code_hash     TEXT UNIQUE,
    -- The supervisor who made the code (NULL: the operator, or none yet).
    issued_by     TEXT,
    issued_at     TEXT,
    expires_at    TEXT
);
