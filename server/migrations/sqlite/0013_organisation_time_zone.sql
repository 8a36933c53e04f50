-- The organisation's time zone (issue #15, item 4): "today" for its plans
-- is the date on its wall (consent, expiry, overdue, stale), never the UTC
-- date. An IANA name; Europe/Amsterdam unless set. Keep in step with the
-- other engine's 0013_organisation_time_zone.sql.
ALTER TABLE organisations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Amsterdam';
