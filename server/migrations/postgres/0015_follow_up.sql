-- The follow-up after return (issue #15, item 5), for the dashboard. Keep
-- in step with the other engine's 0015_follow_up.sql.
--
-- The next scheduled follow-up contact not recorded yet (YYYY-MM-DD),
-- counted from the confirmed arrival; NULL when there is none. Written
-- with the rest of the case's summary on each save.
ALTER TABLE cases ADD COLUMN follow_up_due TEXT;
-- The latest sustainability score over every dimension (0 to 1, as
-- text), for the distribution of scores.
ALTER TABLE cases ADD COLUMN follow_up_score TEXT;
