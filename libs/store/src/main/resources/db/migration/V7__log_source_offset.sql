-- How far into its step's command output a step's log stream had stored when this chunk was
-- written: the bytes of that output whose lines this chunk and the earlier ones hold. A worker that
-- re-attaches to a step still running in its pod (the pod host) reads it from the stream's last
-- chunk and stores only the lines after it, so no line is stored twice or lost. NULL for streams
-- fed by no command (the job's own lines) and for chunks written before this column existed;
-- 9223372036854775807 (Long.MAX_VALUE) once the lines the runner writes after the output ended
-- are in.
ALTER TABLE build_logs ADD COLUMN source_offset bigint;
