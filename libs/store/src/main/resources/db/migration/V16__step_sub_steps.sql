-- The inner steps of the composite action a `uses:` step ran, nested as the actions nest: number,
-- name, status and their own inner steps (dev.pipewright.models.SubStep as JSON). Empty for other
-- steps and until the step ends.
ALTER TABLE build_job_steps ADD COLUMN sub_steps jsonb NOT NULL DEFAULT '[]'::jsonb;
