-- Caches (the cache service of @actions/cache 4.x). As for artifacts, the bytes are in the blob
-- store by SHA-256 and a blob is kept while any row of either service names it (BlobReferences).
-- An entry belongs to a repository and a scope (the ref of the build that saved it); its key and
-- version are immutable once finalized.
CREATE TABLE caches (
  id            bigserial    NOT NULL,
  repository    varchar(200) NOT NULL,
  scope         varchar(255) NOT NULL,
  cache_key     varchar(512) NOT NULL,
  version       varchar(128) NOT NULL,
  blob_sha256   varchar(64),
  size          bigint,
  created_at    timestamptz  NOT NULL DEFAULT now(),
  finalized_at  timestamptz,
  -- Restores move it: eviction deletes the least recently used first.
  last_used_at  timestamptz  NOT NULL DEFAULT now(),
  CONSTRAINT caches_pk PRIMARY KEY (id),
  CONSTRAINT caches_key_uq UNIQUE (repository, scope, cache_key, version),
  CONSTRAINT caches_final_ck CHECK (finalized_at IS NULL OR blob_sha256 IS NOT NULL)
);
CREATE INDEX caches_repository_idx ON caches (repository, last_used_at);
CREATE INDEX caches_blob_idx ON caches (blob_sha256);

-- Blocks staged by Put Block before Put Block List names them in order.
CREATE TABLE cache_blocks (
  cache_id     bigint       NOT NULL,
  block_id     varchar(128) NOT NULL,
  blob_sha256  varchar(64)  NOT NULL,
  size         bigint       NOT NULL,
  CONSTRAINT cache_blocks_pk PRIMARY KEY (cache_id, block_id),
  CONSTRAINT cache_blocks_cache_fk FOREIGN KEY (cache_id) REFERENCES caches (id) ON DELETE CASCADE
);
CREATE INDEX cache_blocks_blob_idx ON cache_blocks (blob_sha256);
