package dev.pipewright.blobs;

import java.io.FilterInputStream;
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
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} in a directory ({@code PIPEWRIGHT_BLOB_ROOT}): {@code sha256/<2 hex>/<hex>}
 * per blob, and {@code tmp/} for puts in progress. A put writes and hashes a temporary file, forces
 * it to disk and renames it into place atomically, so a reader never sees a partial blob and a
 * crash leaves only a temporary file ({@link #removeTemporaries}). Several processes may share the
 * directory (a volume mounted by every entry API replica): renames of the same content to the same
 * address are idempotent.
 */
public final class DirectoryBlobStore implements BlobStore {
  private static final Logger log = LoggerFactory.getLogger(DirectoryBlobStore.class);
  private static final int BUFFER = 1 << 20;

  private final Path blobs;
  private final Path tmp;

  public DirectoryBlobStore(Path root) throws IOException {
    Objects.requireNonNull(root, "root");
    this.blobs = Files.createDirectories(root.resolve("sha256"));
    this.tmp = Files.createDirectories(root.resolve("tmp"));
  }

  @Override
  public StoredBlob put(InputStream content, Optional<String> expectedSha256) throws IOException {
    expectedSha256.ifPresent(StoredBlob::checkAddress);
    Path part = Files.createTempFile(tmp, "put-", ".part");
    try {
      MessageDigest sha = sha256();
      long size = 0;
      byte[] buffer = new byte[BUFFER];
      try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE)) {
        int n;
        while ((n = content.readNBytes(buffer, 0, buffer.length)) > 0) {
          sha.update(buffer, 0, n);
          ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
          while (bytes.hasRemaining()) {
            out.write(bytes);
          }
          size += n;
        }
        out.force(true);
      }
      String address = StoredBlob.hex(sha.digest());
      if (expectedSha256.isPresent() && !expectedSha256.get().equals(address)) {
        throw new BlobIntegrityException(
            "content hashes to sha256:" + address + ", expected sha256:" + expectedSha256.get());
      }
      Path target = path(address);
      Files.createDirectories(target.getParent());
      moveIntoPlace(part, target);
      return new StoredBlob(address, size);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  private static void moveIntoPlace(Path part, Path target) throws IOException {
    try {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // The same content is stored already (its address says so); the temporary file goes.
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the blob root must be one file system: " + e.getMessage(), e);
    }
  }

  @Override
  public InputStream get(String address, long offset, long length) throws IOException {
    Path file = path(address);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(address);
    }
    try {
      long size = channel.size();
      if (offset < 0 || length < 0 || offset > size || length > size - offset) {
        throw new IllegalArgumentException(
            "range " + offset + "+" + length + " outside blob " + address + " of " + size);
      }
      channel.position(offset);
      InputStream range = new Bounded(Channels.newInputStream(channel), length);
      return offset == 0 && length == size ? new Verifying(range, address) : range;
    } catch (RuntimeException | IOException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public Optional<StoredBlob> stat(String address) throws IOException {
    try {
      return Optional.of(new StoredBlob(address, Files.size(path(address))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean delete(String address) throws IOException {
    return Files.deleteIfExists(path(address));
  }

  /**
   * Deletes temporary files last written before {@code before}: what puts that died left behind.
   * Returns how many.
   */
  public int removeTemporaries(Instant before) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> parts = Files.newDirectoryStream(tmp, "put-*.part")) {
      for (Path part : parts) {
        try {
          if (Files.getLastModifiedTime(part).toInstant().isBefore(before)
              && Files.deleteIfExists(part)) {
            removed++;
          }
        } catch (NoSuchFileException e) {
          // Finished meanwhile.
        }
      }
    }
    if (removed > 0) {
      log.info("Removed {} abandoned temporary blob file(s) from {}", removed, tmp);
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

  /** At most {@code remaining} bytes of {@code in}. */
  private static final class Bounded extends FilterInputStream {
    private long remaining;

    Bounded(InputStream in, long remaining) {
      super(in);
      this.remaining = remaining;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }

  /** Hashes what passes; at the end, throws instead of ending when it is not {@code address}. */
  private static final class Verifying extends FilterInputStream {
    private final MessageDigest sha = sha256();
    private final String address;
    private boolean checked;

    Verifying(InputStream in, String address) {
      super(in);
      this.address = address;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        check();
      } else {
        sha.update((byte) b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        check();
      } else {
        sha.update(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) {
      throw new UnsupportedOperationException("a verified read reads every byte");
    }

    private void check() throws BlobIntegrityException {
      if (checked) {
        return;
      }
      checked = true;
      String actual = StoredBlob.hex(sha.digest());
      if (!actual.equals(address)) {
        throw new BlobIntegrityException(
            "blob " + address + " is damaged: its bytes hash to " + actual);
      }
    }
  }
}
