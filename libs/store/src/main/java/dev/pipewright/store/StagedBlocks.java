package dev.pipewright.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;

/**
 * The table of blocks staged for one kind of upload ({@code artifact_blocks}, {@code
 * cache_blocks}): the same four columns, keyed by the upload's id and the block id.
 */
final class StagedBlocks {
  private final Table<?> table;
  private final Field<Long> owner;
  private final Field<String> blockId;
  private final Field<String> sha256;
  private final Field<Long> size;

  StagedBlocks(
      Table<?> table,
      Field<Long> owner,
      Field<String> blockId,
      Field<String> sha256,
      Field<Long> size) {
    this.table = table;
    this.owner = owner;
    this.blockId = blockId;
    this.sha256 = sha256;
    this.size = size;
  }

  /** Records the block, replacing one of its id; the replaced block's other blob. */
  Optional<String> stage(DSLContext tx, long id, StagedBlock block) {
    String old =
        tx.select(sha256)
            .from(table)
            .where(owner.eq(id), blockId.eq(block.blockId()))
            .fetchOne(sha256);
    tx.insertInto(table)
        .set(owner, id)
        .set(blockId, block.blockId())
        .set(sha256, block.blobSha256())
        .set(size, block.size())
        .onConflict(owner, blockId)
        .doUpdate()
        .set(sha256, block.blobSha256())
        .set(size, block.size())
        .execute();
    return Optional.ofNullable(old).filter(o -> !o.equals(block.blobSha256()));
  }

  List<StagedBlock> list(DSLContext dsl, long id) {
    return dsl.select(blockId, sha256, size)
        .from(table)
        .where(owner.eq(id))
        .orderBy(blockId)
        .fetch(r -> new StagedBlock(r.value1(), r.value2(), r.value3()));
  }

  /** The blobs of the upload's blocks and of its committed content ({@code committed}, if any). */
  List<String> blobs(DSLContext tx, long id, String committed) {
    List<String> blobs =
        new ArrayList<>(tx.selectDistinct(sha256).from(table).where(owner.eq(id)).fetch(sha256));
    if (committed != null && !blobs.contains(committed)) {
      blobs.add(committed);
    }
    return blobs;
  }

  void clear(DSLContext tx, long id) {
    tx.deleteFrom(table).where(owner.eq(id)).execute();
  }
}
