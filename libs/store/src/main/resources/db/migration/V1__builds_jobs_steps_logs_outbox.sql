-- Pipewright's durable state. jOOQ generates its Java model from this file (DDLDatabase), so keep
-- to DDL its parser understands and fence PostgreSQL-only statements with jooq ignore comments.

-- One row per pipeline: its build counter. Creating a build locks this row, which is what makes
-- build numbers gap-free and race-free per pipeline.
CREATE TABLE pipelines (
  id          varchar(200) NOT NULL,
  last_number bigint      NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT pipelines_pk PRIMARY KEY (id)
);

CREATE TABLE builds (
  id                  uuid        NOT NULL,
  pipeline_id         varchar(200) NOT NULL,
  number              bigint      NOT NULL,
  status              varchar(16) NOT NULL,
  workflow_yaml       text        NOT NULL,
  workflow_path       text,
  repository_url      text,
  repository_ref      text,
  repository_sha      text,
  -- name -> {"value": "...", "secret": true|false}
  variables           jsonb       NOT NULL,
  idempotency_key     varchar(200),
  error_code          varchar(32),
  error_message       text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  queued_at           timestamptz,
  started_at          timestamptz,
  finished_at         timestamptz,
  lease_owner         varchar(200),
  lease_expires_at    timestamptz,
  cancel_requested_at timestamptz,
  -- how many times a worker claimed the build
  attempt             integer     NOT NULL DEFAULT 0,
  CONSTRAINT builds_pk PRIMARY KEY (id),
  CONSTRAINT builds_pipeline_fk FOREIGN KEY (pipeline_id) REFERENCES pipelines (id),
  CONSTRAINT builds_pipeline_number_uq UNIQUE (pipeline_id, number),
  -- NULL keys never collide, so builds without a key are unconstrained.
  CONSTRAINT builds_idempotency_uq UNIQUE (pipeline_id, idempotency_key),
  CONSTRAINT builds_status_ck CHECK (
    status IN ('PENDING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'))
);

-- Keyset pagination, newest first, overall and per pipeline.
CREATE INDEX builds_created_idx ON builds (created_at, id);
CREATE INDEX builds_pipeline_created_idx ON builds (pipeline_id, created_at, id);
CREATE INDEX builds_status_lease_idx ON builds (status, lease_expires_at);

CREATE TABLE build_jobs (
  id            uuid        NOT NULL,
  build_id      uuid        NOT NULL,
  -- the job instance key: the workflow job id, or "<id>.<n>" for a matrix instance
  job_key       varchar(300) NOT NULL,
  -- position in the plan, for stable listing
  ordinal       integer     NOT NULL,
  job_id        varchar(200) NOT NULL,
  name          text        NOT NULL,
  matrix        jsonb,
  -- workflow job ids this job waits for
  needs         text[]      NOT NULL,
  status        varchar(16) NOT NULL,
  error_code    varchar(32),
  error_message text,
  outputs       jsonb       NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz,
  attempt       integer     NOT NULL DEFAULT 0,
  -- what the runner knows the job as, e.g. a Kubernetes Job name
  runner_ref    varchar(253),
  CONSTRAINT build_jobs_pk PRIMARY KEY (id),
  CONSTRAINT build_jobs_build_fk FOREIGN KEY (build_id) REFERENCES builds (id) ON DELETE CASCADE,
  CONSTRAINT build_jobs_key_uq UNIQUE (build_id, job_key),
  CONSTRAINT build_jobs_status_ck CHECK (
    status IN ('PENDING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED'))
);

CREATE TABLE build_job_steps (
  id            uuid        NOT NULL,
  build_job_id  uuid        NOT NULL,
  -- 1-based, in execution order
  number        integer     NOT NULL,
  name          text        NOT NULL,
  status        varchar(16) NOT NULL,
  exit_code     integer,
  -- GitHub's steps.<id>.outcome (before continue-on-error) and .conclusion (after)
  outcome       varchar(16),
  conclusion    varchar(16),
  error_code    varchar(32),
  error_message text,
  outputs       jsonb       NOT NULL,
  started_at    timestamptz,
  finished_at   timestamptz,
  CONSTRAINT build_job_steps_pk PRIMARY KEY (id),
  CONSTRAINT build_job_steps_job_fk FOREIGN KEY (build_job_id)
    REFERENCES build_jobs (id) ON DELETE CASCADE,
  CONSTRAINT build_job_steps_number_uq UNIQUE (build_job_id, number),
  CONSTRAINT build_job_steps_number_ck CHECK (number >= 1),
  CONSTRAINT build_job_steps_status_ck CHECK (
    status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED'))
);

-- A stream is (build, job_key, step_number); '' and 0 stand for "none" so that the unique key
-- has no NULLs and a retried append of the same chunk is refused.
CREATE TABLE build_logs (
  id          bigserial   NOT NULL,
  build_id    uuid        NOT NULL,
  job_key     varchar(300) NOT NULL DEFAULT '',
  step_number integer     NOT NULL DEFAULT 0,
  seq         bigint      NOT NULL,
  content     text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT build_logs_pk PRIMARY KEY (id),
  CONSTRAINT build_logs_build_fk FOREIGN KEY (build_id) REFERENCES builds (id) ON DELETE CASCADE,
  CONSTRAINT build_logs_stream_seq_uq UNIQUE (build_id, job_key, step_number, seq),
  CONSTRAINT build_logs_seq_ck CHECK (seq >= 1),
  CONSTRAINT build_logs_step_ck CHECK (step_number >= 0)
);

CREATE INDEX build_logs_build_cursor_idx ON build_logs (build_id, id);

-- Builds waiting to be published to the queue (transactional outbox).
CREATE TABLE outbox (
  id           bigserial   NOT NULL,
  build_id     uuid        NOT NULL,
  kind         varchar(32) NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- a failed publish backs off until then
  available_at timestamptz NOT NULL DEFAULT now(),
  attempts     integer     NOT NULL DEFAULT 0,
  last_error   text,
  CONSTRAINT outbox_pk PRIMARY KEY (id),
  CONSTRAINT outbox_build_fk FOREIGN KEY (build_id) REFERENCES builds (id) ON DELETE CASCADE
);

CREATE INDEX outbox_available_idx ON outbox (available_at, id);
