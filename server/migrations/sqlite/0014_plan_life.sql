-- The end of a plan and its pauses (issue #15, item 6). Keep in step with
-- the other engine's 0014_plan_life.sql.
--
-- The plan's life: its moves (on hold, resumed, withdrawn, reopened,
-- closed), oldest first, as JSON (domain::lifecycle::Lifecycle). Changed
-- only under the case's lock, with a snapshot and an audit row.
ALTER TABLE cases ADD COLUMN life TEXT NOT NULL DEFAULT '[]';
-- The day the plan was closed (YYYY-MM-DD): the retention clock's start.
ALTER TABLE cases ADD COLUMN closed_on TEXT;
-- How many months an organisation keeps a closed plan before it is due
-- for erasure (domain.md §11: no single legal period; each organisation
-- sets its own).
ALTER TABLE organisations ADD COLUMN retention_months INTEGER NOT NULL DEFAULT 60;
