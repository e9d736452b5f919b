-- Log chunks are compressed with lz4 instead of pglz: several times faster to compress and to
-- read back, at a similar ratio on log text. Applies to chunks written from now on. jOOQ's DDL
-- parser (code generation) knows neither clause; PostgreSQL 14+ does.
-- [jooq ignore start]
ALTER TABLE build_logs ALTER COLUMN content SET COMPRESSION lz4;
-- [jooq ignore stop]

-- A cancel looks up and deletes the outbox rows of one build.
CREATE INDEX outbox_build_idx ON outbox (build_id);
