package dev.pipewright.entryapi.artifacts;

import dev.pipewright.blobs.BlobStore;
import dev.pipewright.blobs.StoredBlob;
import dev.pipewright.store.StagedBlock;
import dev.pipewright.store.UploadRows;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads written block by block, for every service: each block is a blob, written once as it
 * streams in; the block list joins the named blocks, in order, into one blob without copying their
 * bytes ({@link BlobStore#join}: the content is written once, and read once more to hash it whole),
 * and a blob no row names any more is deleted. The caller checked the upload is open before the
 * bytes are read.
 */
final class BlockUploads {
  private static final Logger log = LoggerFactory.getLogger(BlockUploads.class);

  private final UploadRows rows;
  private final BlobStore blobs;

  BlockUploads(UploadRows rows, BlobStore blobs) {
    this.rows = Objects.requireNonNull(rows, "rows");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
  }

  void stageBlock(long id, String blockId, InputStream body) throws IOException {
    StoredBlob blob = blobs.put(body, Optional.empty());
    release(rows.stageBlock(id, new StagedBlock(blockId, blob.sha256(), blob.size()), present()));
  }

  /**
   * @throws IllegalArgumentException naming a block that was not staged
   */
  StoredBlob commit(long id, List<String> blockIds) throws IOException {
    Map<String, StagedBlock> staged = new HashMap<>();
    rows.blocks(id).forEach(b -> staged.put(b.blockId(), b));
    List<StagedBlock> ordered = new ArrayList<>();
    for (String blockId : blockIds) {
      StagedBlock block = staged.get(blockId);
      if (block == null) {
        throw new IllegalArgumentException("block " + blockId + " was not uploaded");
      }
      ordered.add(block);
    }
    return record(
        id, blobs.join(ordered.stream().map(StagedBlock::blobSha256).toList(), Optional.empty()));
  }

  StoredBlob putWhole(long id, InputStream body) throws IOException {
    return record(id, blobs.put(body, Optional.empty()));
  }

  private StoredBlob record(long id, StoredBlob content) {
    release(rows.commit(id, content.sha256(), content.size(), present()));
    return content;
  }

  InputStream content(StoredBlob blob, long offset, long length) throws IOException {
    return blobs.get(blob.sha256(), offset, length);
  }

  /** Deletes each blob no row names any more. */
  void release(Collection<String> released) {
    for (String sha : released) {
      rows.releaseBlob(
          sha,
          s -> {
            try {
              return blobs.delete(s);
            } catch (IOException e) {
              // Left for a later release; the row is gone either way.
              log.warn("Could not delete blob {}: {}", s, e.toString());
              return false;
            }
          });
    }
  }

  private void release(Optional<String> released) {
    release(released.stream().toList());
  }

  private Predicate<String> present() {
    return sha -> {
      try {
        return blobs.stat(sha).isPresent();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
