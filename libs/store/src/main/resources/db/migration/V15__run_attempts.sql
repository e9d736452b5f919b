-- A finished build can be run again (RerunBuild): every job, or its failed and cancelled jobs and
-- what depends on them. Each such run is an attempt of the build, numbered from 1 like GitHub's
-- run_attempt; `attempt` keeps counting worker claims, which is another thing.
ALTER TABLE builds ADD COLUMN run_attempt integer NOT NULL DEFAULT 1;
