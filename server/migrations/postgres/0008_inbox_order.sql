-- A mission's inbox over every status is ordered by the last move: without
-- this index the database reads all of the mission's handovers (or, on
-- PostgreSQL, all cases) and sorts them on every page (measured at 100 000
-- plans: tens of milliseconds; with it, under one).
CREATE INDEX handovers_mission_moved ON handovers (mission_id, updated_at, id);
