package dev.pipewright.entryapi.artifacts;

import dev.pipewright.blobs.StoredBlob;
import java.util.Optional;

/**
 * What {@link BlobRoutes} write and read by id: artifacts or cache entries. Writes reach only an
 * open upload, reads only finished content.
 */
interface BlobTarget {

  /**
   * @throws dev.pipewright.models.CiException NOT_FOUND for no such upload, CONFLICT for one that
   *     is finalized
   */
  void openForWriting(long id);

  /** The uploads' blocks and blobs. */
  BlockUploads uploads();

  /** The content of a finished upload, when there is one. */
  Optional<StoredBlob> readable(long id);

  /** The {@code Content-Type} of a download. */
  String contentType();
}
