-- The user an administrative action was about (created, deactivated, reset…).
-- Keep in step with ../postgres/0003_audit_subject.sql.
ALTER TABLE audit_events ADD COLUMN subject_user_id TEXT;
