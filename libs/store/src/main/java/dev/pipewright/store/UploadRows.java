package dev.pipewright.store;

import dev.pipewright.models.CiException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The rows of an upload written block by block (Azure's Put Block and Put Block List), whatever it
 * uploads: artifacts and cache entries alike. A block names its staged part; blobs a call stops
 * naming are returned for {@link #releaseBlob}, parts to be discarded; a blob is recorded only
 * while {@code present} says it is still in the store.
 */
public interface UploadRows {

  /**
   * Records block {@code block.blockId()} of open upload {@code id}, replacing a block of that id.
   *
   * @return the replaced block's part
   * @throws CiException NOT_FOUND for an unknown upload, CONFLICT for a finalized one or one whose
   *     blocks were committed
   */
  Optional<String> stageBlock(long id, StagedBlock block);

  /** The staged blocks of upload {@code id}. */
  List<StagedBlock> blocks(long id);

  /**
   * Records the committed content of open upload {@code id} and forgets its staged blocks.
   *
   * @return the blob it no longer names and the parts of its blocks
   */
  Released commit(long id, String sha256, long size, Predicate<String> present);

  /** Runs {@code delete} for the blob when no row of any service names it; whether it ran. */
  boolean releaseBlob(String sha256, Predicate<String> delete);
}
