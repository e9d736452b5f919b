-- The attempt of its job a step's row records: a job run again (its worker died, its pod or node
-- failed under it) starts over from its first step, and each step then says which run it shows.
ALTER TABLE build_job_steps ADD COLUMN attempt integer NOT NULL DEFAULT 1;
