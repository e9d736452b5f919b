package dev.pipewright.store;

import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;

/**
 * The table of blocks staged for one kind of upload ({@code artifact_blocks}, {@code
 * cache_blocks}): the same four columns, keyed by the upload's id and the block id; a block names
 * its part of the blob store.
 */
final class StagedBlocks {
  private final Table<?> table;
  private final Field<Long> owner;
  private final Field<String> blockId;
  private final Field<String> part;
  private final Field<Long> size;

  StagedBlocks(
      Table<?> table,
      Field<Long> owner,
      Field<String> blockId,
      Field<String> part,
      Field<Long> size) {
    this.table = table;
    this.owner = owner;
    this.blockId = blockId;
    this.part = part;
    this.size = size;
  }

  /** Records the block, replacing one of its id; the replaced block's part. */
  Optional<String> stage(DSLContext tx, long id, StagedBlock block) {
    String old =
        tx.select(part).from(table).where(owner.eq(id), blockId.eq(block.blockId())).fetchOne(part);
    tx.insertInto(table)
        .set(owner, id)
        .set(blockId, block.blockId())
        .set(part, block.part())
        .set(size, block.size())
        .onConflict(owner, blockId)
        .doUpdate()
        .set(part, block.part())
        .set(size, block.size())
        .execute();
    return Optional.ofNullable(old).filter(o -> !o.equals(block.part()));
  }

  List<StagedBlock> list(DSLContext dsl, long id) {
    return dsl.select(blockId, part, size)
        .from(table)
        .where(owner.eq(id))
        .orderBy(blockId)
        .fetch(r -> new StagedBlock(r.value1(), r.value2(), r.value3()));
  }

  /**
   * The parts of the upload's blocks and its committed content's blob ({@code committed}, if any).
   */
  Released named(DSLContext tx, long id, String committed) {
    return new Released(
        committed == null ? List.of() : List.of(committed),
        tx.select(part).from(table).where(owner.eq(id)).fetch(part));
  }

  void clear(DSLContext tx, long id) {
    tx.deleteFrom(table).where(owner.eq(id)).execute();
  }
}
