package dev.pipewright.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Content-addressed bytes: a blob's address is the SHA-256 of its content, so a blob is immutable
 * and the same content is stored once. Everything is streamed; no implementation holds a whole blob
 * in memory. Metadata (who owns a blob, when it expires) is the caller's, in PostgreSQL.
 *
 * <p>The services use only this interface. {@link DirectoryBlobStore} is the default; an
 * S3-compatible store implements the same operations (put: a multipart upload to a temporary key
 * while hashing, then a server-side copy to {@code sha256/<hex>} and a delete of the temporary key;
 * stage: a PutObject to {@code parts/<name>}, hashed in order as here; join: a multipart upload
 * whose parts are UploadPartCopy of the parts' objects, the hash finished by reading what was not
 * hashed; discard: DeleteObject of the part; get: GetObject with a {@code Range} header; delete:
 * DeleteObject; stat: HeadObject) and is chosen where the directory one is constructed.
 */
public interface BlobStore {

  /**
   * Stores {@code content} (read to its end, not closed) and returns its address. Nothing is
   * visible under the address until every byte is durable; a failed put leaves nothing behind.
   *
   * @param expectedSha256 the lower-case hex SHA-256 the caller was told, when it was: the put
   *     fails with {@link BlobIntegrityException} and stores nothing when the content differs
   */
  StoredBlob put(InputStream content, Optional<String> expectedSha256) throws IOException;

  /**
   * Writes {@code content} (read to its end, not closed) as a part of upload {@code upload}: how a
   * block of an upload sent in blocks is kept until the upload names its blocks in order. A part is
   * neither addressable nor durable until {@link #join} makes it part of a blob, and it is not
   * hashed on its own: the join hashes the whole upload, each byte once.
   *
   * @param upload the upload the part belongs to, as the caller names it
   * @param position where the caller expects the part in its upload (0, 1, 2…), when it can tell:
   *     parts staged at consecutive positions are hashed in that order while the upload goes on, so
   *     a join naming them in that order has its hash ready; a wrong guess only costs the join a
   *     read of those parts
   */
  StagedPart stage(String upload, OptionalLong position, InputStream content) throws IOException;

  /**
   * Stores the staged {@code parts} of {@code upload}, one after another, as one blob and returns
   * its address. The store joins them without copying their bytes where it can, and hashes what was
   * not hashed while they were staged. The parts stay until {@link #discard}ed.
   *
   * @param expectedSha256 as for {@link #put}
   * @throws BlobNotFoundException when a part is not there
   */
  StoredBlob join(String upload, List<String> parts, Optional<String> expectedSha256)
      throws IOException;

  /** Deletes staged part {@code part}, joined or not; nothing when it is gone already. */
  void discard(String part) throws IOException;

  /**
   * Reads {@code length} bytes from {@code offset} of the blob (the caller closes the stream). A
   * read of the whole blob is verified: the stream throws {@link BlobIntegrityException} instead of
   * ending when the bytes do not hash to the address.
   *
   * @throws BlobNotFoundException when there is no such blob
   * @throws IllegalArgumentException for a range outside the blob
   */
  InputStream get(String address, long offset, long length) throws IOException;

  /** The whole blob, verified as it is read. */
  default InputStream get(String address) throws IOException {
    StoredBlob blob = stat(address).orElseThrow(() -> new BlobNotFoundException(address));
    return get(address, 0, blob.size());
  }

  /**
   * Opens what {@link #get} reads, to be written to a stream ({@link BlobTransfer#to}) verified the
   * same way, except that a damaged blob throws {@link BlobIntegrityException} before its last
   * bytes are written: a reader of the stream sees it short, never whole. The blob is looked up
   * here, once, before anything is written.
   *
   * @throws BlobNotFoundException when there is no such blob
   * @throws IllegalArgumentException for a range outside the blob
   */
  BlobTransfer transfer(String address, long offset, long length) throws IOException;

  /** The blob's size, when it exists. */
  Optional<StoredBlob> stat(String address) throws IOException;

  /** Deletes the blob; false when there was none. */
  boolean delete(String address) throws IOException;
}
