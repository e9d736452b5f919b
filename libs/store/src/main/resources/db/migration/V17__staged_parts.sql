-- A staged block is a part of the blob store (BlobStore.stage), no longer a blob of its own: it is
-- written once and hashed once with its whole upload when Put Block List joins the parts, so a
-- block names its part, which belongs to that row alone and is discarded with it. Blocks staged as
-- blobs by an earlier version are dropped: an upload in progress across the upgrade fails at its
-- Put Block List and is made again, and blobs only such blocks named stay in the blob root.
DELETE FROM artifact_blocks;
DELETE FROM cache_blocks;
DROP INDEX artifact_blocks_blob_idx;
DROP INDEX cache_blocks_blob_idx;
ALTER TABLE artifact_blocks RENAME COLUMN blob_sha256 TO part;
ALTER TABLE cache_blocks RENAME COLUMN blob_sha256 TO part;
