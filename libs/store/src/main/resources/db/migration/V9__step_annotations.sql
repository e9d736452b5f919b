-- The ::error, ::warning and ::notice annotations a step printed, as GitHub keeps them: level,
-- message, file, line, col, endLine, endColumn and title, in the order printed (at most 100 of each
-- level per step, the runner's cap). A list read and written with its step only, so a column of
-- the step's row rather than a table of its own.
ALTER TABLE build_job_steps ADD COLUMN annotations jsonb NOT NULL DEFAULT '[]'::jsonb;
