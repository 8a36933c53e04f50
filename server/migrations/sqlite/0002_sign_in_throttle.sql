-- Failed sign-ins per key, for throttling. Keys are "account:" or "address:"
-- followed by the SHA-256 of the normalised username or the client address,
-- so that a password typed into the username field is never stored.
CREATE TABLE sign_in_throttle (
    key           TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    window_start  TEXT NOT NULL,
    locked_until  TEXT
);
CREATE INDEX sign_in_throttle_window ON sign_in_throttle (window_start);
