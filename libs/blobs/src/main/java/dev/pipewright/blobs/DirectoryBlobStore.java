package dev.pipewright.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} in a directory ({@code PIPEWRIGHT_BLOB_ROOT}): {@code sha256/<2 hex>/<hex>}
 * per blob, and {@code tmp/} for puts in progress. A put writes and hashes a temporary file, forces
 * it to disk and renames it into place atomically, so a reader never sees a partial blob and a
 * crash leaves only a temporary file ({@link #removeTemporaries}). Staged parts are files in {@code
 * parts/}, written once and neither hashed nor forced on their own ({@link RunningDigests} hashes
 * them in order meanwhile); a joined blob is a directory of hard links to its parts' files ({@link
 * LinkedParts}), forced with them, made in {@code tmp/} and renamed into place the same way.
 * Several processes may share the directory (a volume mounted by every entry API replica): renames
 * of the same content to the same address are idempotent.
 */
public final class DirectoryBlobStore implements BlobStore {
  private static final Logger log = LoggerFactory.getLogger(DirectoryBlobStore.class);

  /**
   * Bytes read or written at a time, 256 KiB: not a humongous object to G1 (half a region or more,
   * 1 MiB regions on small heaps), which is allocated in regions of its own, often freshly
   * committed, each page faulted in anew.
   */
  static final int BUFFER = 1 << 18;

  private final Path blobs;
  private final Path tmp;
  private final Path parts;
  private final RunningDigests digests = new RunningDigests();

  public DirectoryBlobStore(Path root) throws IOException {
    Objects.requireNonNull(root, "root");
    this.blobs = Files.createDirectories(root.resolve("sha256"));
    this.tmp = Files.createDirectories(root.resolve("tmp"));
    this.parts = Files.createDirectories(root.resolve("parts"));
  }

  @Override
  public StoredBlob put(InputStream content, Optional<String> expectedSha256) throws IOException {
    expectedSha256.ifPresent(StoredBlob::checkAddress);
    Path part = Files.createTempFile(tmp, "put-", ".part");
    try {
      MessageDigest sha = sha256();
      long size;
      try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE)) {
        size = write(content, out, sha);
        out.force(true);
      }
      StoredBlob stored =
          checked(new StoredBlob(StoredBlob.hex(sha.digest()), size), expectedSha256);
      Path target = path(stored.address());
      Files.createDirectories(target.getParent());
      moveIntoPlace(part, target);
      return stored;
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /**
   * Writes {@code content} to {@code out}, hashing it into {@code sha} when there is one; its size.
   */
  private static long write(InputStream content, FileChannel out, MessageDigest sha)
      throws IOException {
    byte[] buffer = new byte[BUFFER];
    long size = 0;
    int n;
    while ((n = content.readNBytes(buffer, 0, buffer.length)) > 0) {
      if (sha != null) {
        sha.update(buffer, 0, n);
      }
      ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      size += n;
    }
    return size;
  }

  /**
   * Renames a finished file or directory to its address. When the address is taken the same content
   * is stored already (the address says so: as a file or as joined parts), and the caller deletes
   * its temporary copy.
   */
  private static void moveIntoPlace(Path part, Path target) throws IOException {
    try {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // Stored already.
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the blob root must be one file system: " + e.getMessage(), e);
    } catch (IOException e) {
      // rename(2) of a file onto a directory, or of a directory onto a file or a non-empty one.
      if (!Files.exists(target)) {
        throw e;
      }
    }
  }

  @Override
  public StagedPart stage(String upload, OptionalLong position, InputStream content)
      throws IOException {
    Objects.requireNonNull(upload, "upload");
    String name = UUID.randomUUID().toString().replace("-", "");
    Path file = parts.resolve(name);
    long size;
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      size = write(content, out, null);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    // Its bytes go to disk now, beside the upload's other blocks, rather than all at the join,
    // where the upload would wait for them: the join's force then finds little left to write.
    Thread.ofVirtual().name("part-writeback").start(() -> writeBack(file));
    if (position.isPresent()) {
      digests.staged(upload, position.getAsLong(), name, file);
    }
    return new StagedPart(name, size);
  }

  private static void writeBack(Path part) {
    try (FileChannel f = FileChannel.open(part, StandardOpenOption.READ)) {
      f.force(false);
    } catch (IOException e) {
      // Discarded meanwhile, say; the join forces what it joins either way.
      log.debug("No early write-back of {}: {}", part, e.toString());
    }
  }

  @Override
  public StoredBlob join(String upload, List<String> names, Optional<String> expectedSha256)
      throws IOException {
    expectedSha256.ifPresent(StoredBlob::checkAddress);
    List<Path> files = new ArrayList<>();
    for (String name : names) {
      Path file = parts.resolve(StagedPart.checkName(name));
      if (!Files.exists(file)) {
        throw new BlobNotFoundException("part " + name);
      }
      files.add(file);
    }
    RunningDigests.Prefix hashed = digests.take(upload, names);
    MessageDigest sha = hashed.sha();
    long size = hashed.size();
    byte[] buffer = new byte[BUFFER];
    Path dir = tmp.resolve("join-" + UUID.randomUUID());
    try {
      for (Path file : files.subList(hashed.parts(), files.size())) {
        size += RunningDigests.hash(file, sha, buffer);
      }
      StoredBlob joined =
          checked(new StoredBlob(StoredBlob.hex(sha.digest()), size), expectedSha256);
      Path target = path(joined.address());
      if (Files.exists(target)) {
        // Stored already (the same artifact again, say): the parts are neither linked nor forced.
        return joined;
      }
      LinkedParts.link(files, dir);
      Files.createDirectories(target.getParent());
      moveIntoPlace(dir, target);
      return joined;
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException("part " + e.getFile());
    } finally {
      if (Files.isDirectory(dir)) {
        LinkedParts.delete(dir);
      }
    }
  }

  @Override
  public void discard(String part) throws IOException {
    Files.deleteIfExists(parts.resolve(StagedPart.checkName(part)));
  }

  private static StoredBlob checked(StoredBlob blob, Optional<String> expectedSha256)
      throws BlobIntegrityException {
    if (expectedSha256.isPresent() && !expectedSha256.get().equals(blob.sha256())) {
      throw new BlobIntegrityException(
          "content hashes to sha256:"
              + blob.sha256()
              + ", expected sha256:"
              + expectedSha256.get());
    }
    return blob;
  }

  @Override
  public InputStream get(String address, long offset, long length) throws IOException {
    Range range = open(address, offset, length);
    return range.whole() ? new BlobStreams.Verifying(range.bytes(), address) : range.bytes();
  }

  @Override
  public BlobTransfer transfer(String address, long offset, long length) throws IOException {
    Range range = open(address, offset, length);
    return new BlobTransfer(range.bytes(), range.whole() ? address : null);
  }

  /** Bytes of a blob, unverified, and whether they are all of it. */
  private record Range(InputStream bytes, boolean whole) {}

  private Range open(String address, long offset, long length) throws IOException {
    Path file = path(address);
    try {
      if (Files.isDirectory(file)) {
        // Listed once, for the size and the read.
        List<LinkedParts.Part> joined = LinkedParts.sized(file);
        long size = LinkedParts.size(joined);
        checkRange(address, size, offset, length);
        return new Range(LinkedParts.read(joined, offset, length), length == size);
      }
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      try {
        long size = channel.size();
        checkRange(address, size, offset, length);
        channel.position(offset);
        return new Range(
            new BlobStreams.Bounded(Channels.newInputStream(channel), length), length == size);
      } catch (RuntimeException | IOException e) {
        channel.close();
        throw e;
      }
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(address);
    }
  }

  private static void checkRange(String address, long size, long offset, long length) {
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw new IllegalArgumentException(
          "range " + offset + "+" + length + " outside blob " + address + " of " + size);
    }
  }

  @Override
  public Optional<StoredBlob> stat(String address) throws IOException {
    Path file = path(address);
    try {
      long size =
          Files.isDirectory(file) ? LinkedParts.size(LinkedParts.sized(file)) : Files.size(file);
      return Optional.of(new StoredBlob(address, size));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean delete(String address) throws IOException {
    Path file = path(address);
    if (!Files.isDirectory(file)) {
      return Files.deleteIfExists(file);
    }
    // Renamed away first, so that no reader ever finds some of its parts gone.
    Path gone = tmp.resolve("join-" + UUID.randomUUID());
    try {
      Files.move(file, gone, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return false;
    }
    LinkedParts.delete(gone);
    return true;
  }

  /**
   * Deletes temporary files, joins and staged parts last written before {@code before}: what puts
   * and joins that died left behind, and the parts of uploads that were never joined nor discarded.
   * Returns how many.
   */
  public int removeTemporaries(Instant before) throws IOException {
    int removed = removeOlder(tmp, "{put-*.part,join-*}", before);
    removed += removeOlder(parts, "*", before);
    if (removed > 0) {
      log.info("Removed {} abandoned temporary blob file(s) and part(s) from {}", removed, tmp);
    }
    return removed;
  }

  private static int removeOlder(Path dir, String glob, Instant before) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob)) {
      for (Path file : files) {
        try {
          if (Files.getLastModifiedTime(file).toInstant().isBefore(before)) {
            if (Files.isDirectory(file)) {
              LinkedParts.delete(file);
            } else {
              Files.deleteIfExists(file);
            }
            removed++;
          }
        } catch (NoSuchFileException e) {
          // Finished meanwhile.
        }
      }
    }
    return removed;
  }

  private Path path(String address) {
    StoredBlob.checkAddress(address);
    return blobs.resolve(address.substring(0, 2)).resolve(address);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "DirectoryBlobStore[" + blobs.getParent() + "]";
  }
}
