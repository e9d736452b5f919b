-- The action a `uses:` step ran, as the workflow wrote it (`acme/tool@v1`, `./path`), and the commit
-- a remote one resolved to, so a build shows exactly which code ran even after the tag moved. Null
-- for `run:` steps and for local actions' SHA.
ALTER TABLE build_job_steps ADD COLUMN action text;
ALTER TABLE build_job_steps ADD COLUMN action_sha text;
