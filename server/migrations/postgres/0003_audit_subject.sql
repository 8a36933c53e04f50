-- The user an administrative action was about (created, deactivated, reset…).
-- Keep in step with ../sqlite/0003_audit_subject.sql.
ALTER TABLE audit_events ADD COLUMN subject_user_id TEXT;

-- TRUNCATE bypasses row triggers: refuse it too.
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
