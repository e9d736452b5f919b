package dev.pipewright.entryapi.artifacts;

import dev.pipewright.blobs.BlobNotFoundException;
import dev.pipewright.blobs.BlobStore;
import dev.pipewright.blobs.BlobTransfer;
import dev.pipewright.blobs.StagedPart;
import dev.pipewright.blobs.StoredBlob;
import dev.pipewright.store.Released;
import dev.pipewright.store.StagedBlock;
import dev.pipewright.store.UploadRows;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads written block by block, for every service: each block is a part of the blob store,
 * written once as it streams in ({@link BlobStore#stage}, at the position its id predicts, so the
 * store hashes the upload in order meanwhile); the block list joins the named parts, in order, into
 * one blob without copying their bytes ({@link BlobStore#join}), then the parts are discarded, and
 * a blob no row names any more is deleted. The caller checked the upload is open before the bytes
 * are read.
 */
final class BlockUploads {
  private static final Logger log = LoggerFactory.getLogger(BlockUploads.class);

  private final String kind;
  private final UploadRows rows;
  private final BlobStore blobs;

  /**
   * @param kind what the rows' uploads are ("artifact", "cache"): their ids are unique within it
   */
  BlockUploads(String kind, UploadRows rows, BlobStore blobs) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.rows = Objects.requireNonNull(rows, "rows");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
  }

  void stageBlock(long id, String blockId, InputStream body) throws IOException {
    StagedPart part = blobs.stage(upload(id), BlockPositions.predicted(blockId), body);
    Optional<String> replaced;
    try {
      replaced = rows.stageBlock(id, new StagedBlock(blockId, part.name(), part.size()));
    } catch (RuntimeException e) {
      discard(List.of(part.name()));
      throw e;
    }
    discard(replaced.stream().toList());
  }

  private String upload(long id) {
    return kind + "-" + id;
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
        id,
        blobs.join(upload(id), ordered.stream().map(StagedBlock::part).toList(), Optional.empty()));
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

  /**
   * The content opened for sending as {@link #content} reads it ({@link BlobStore#transfer}).
   *
   * @throws BlobNotFoundException when the blob store lost the content
   */
  BlobTransfer transfer(StoredBlob blob, long offset, long length) throws IOException {
    return blobs.transfer(blob.sha256(), offset, length);
  }

  /** Discards the parts and deletes each blob no row names any more. */
  void release(Released released) {
    discard(released.parts());
    for (String sha : released.blobs()) {
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

  private void discard(List<String> parts) {
    for (String part : parts) {
      try {
        blobs.discard(part);
      } catch (IOException e) {
        // The sweep removes parts left over (DirectoryBlobStore#removeTemporaries).
        log.warn("Could not discard staged part {}: {}", part, e.toString());
      }
    }
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
