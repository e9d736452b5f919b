-- Artifacts (the results service of @actions/artifact 2.x). The bytes are in the blob store,
-- addressed by their SHA-256; these rows say which build owns them, and every blob a row names is
-- kept until no row names it (ArtifactRepository's blob locks).
CREATE TABLE artifacts (
  id            bigserial    NOT NULL,
  build_id      uuid         NOT NULL,
  job_key       varchar(200) NOT NULL,
  name          varchar(255) NOT NULL,
  -- The committed blob (Put Block List), then checked against the toolkit's size and hash.
  blob_sha256   varchar(64),
  size          bigint,
  created_at    timestamptz  NOT NULL DEFAULT now(),
  finalized_at  timestamptz,
  expires_at    timestamptz  NOT NULL,
  CONSTRAINT artifacts_pk PRIMARY KEY (id),
  CONSTRAINT artifacts_build_fk FOREIGN KEY (build_id) REFERENCES builds (id) ON DELETE CASCADE,
  CONSTRAINT artifacts_name_uq UNIQUE (build_id, name),
  CONSTRAINT artifacts_final_ck CHECK (finalized_at IS NULL OR blob_sha256 IS NOT NULL)
);
CREATE INDEX artifacts_expires_idx ON artifacts (expires_at);
CREATE INDEX artifacts_blob_idx ON artifacts (blob_sha256);

-- Blocks staged by Put Block before Put Block List names them in order.
CREATE TABLE artifact_blocks (
  artifact_id  bigint       NOT NULL,
  block_id     varchar(128) NOT NULL,
  blob_sha256  varchar(64)  NOT NULL,
  size         bigint       NOT NULL,
  CONSTRAINT artifact_blocks_pk PRIMARY KEY (artifact_id, block_id),
  CONSTRAINT artifact_blocks_artifact_fk FOREIGN KEY (artifact_id) REFERENCES artifacts (id)
    ON DELETE CASCADE
);
CREATE INDEX artifact_blocks_blob_idx ON artifact_blocks (blob_sha256);
