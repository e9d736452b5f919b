-- A dynamic matrix is expanded at run time: its instances take the placeholder job's place in
-- the plan (its ordinal), numbered 1..n among themselves.
ALTER TABLE build_jobs ADD COLUMN instance integer NOT NULL DEFAULT 0;
