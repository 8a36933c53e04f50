-- The language a user chose for the interface, remembered across browsers
-- and devices (a code such as "nl"; NULL: not chosen, the browser decides).
-- Keep in step with the other engine's 0006_user_language.sql.
ALTER TABLE users ADD COLUMN language TEXT;
