package dev.pipewright.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryBlobStoreTest {
  @TempDir Path root;

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void aPutIsAddressedByItsSha256AndReadsBackWholeAndByRange() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    byte[] content = bytes(3 * (1 << 20) + 17); // several buffers and a partial one

    StoredBlob blob = store.put(new ByteArrayInputStream(content), Optional.empty());

    assertThat(blob.sha256()).isEqualTo(sha256(content));
    assertThat(blob.size()).isEqualTo(content.length);
    assertThat(blob.digest()).isEqualTo("sha256:" + sha256(content));
    try (InputStream in = store.get(blob.address())) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    try (InputStream in = store.get(blob.address(), 1000, 5000)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 1000, 6000));
    }
    assertThat(store.stat(blob.address())).contains(blob);
    assertThatThrownBy(() -> store.get(blob.address(), content.length - 1, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSameContentIsStoredOnceAndDeletedOnce() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    byte[] content = bytes(100);

    StoredBlob first = store.put(new ByteArrayInputStream(content), Optional.empty());
    StoredBlob second = store.put(new ByteArrayInputStream(content), Optional.empty());

    assertThat(second).isEqualTo(first);
    assertThat(store.delete(first.address())).isTrue();
    assertThat(store.delete(first.address())).isFalse();
    assertThat(store.stat(first.address())).isEmpty();
    assertThatThrownBy(() -> store.get(first.address())).isInstanceOf(BlobNotFoundException.class);
    assertThat(temporaries()).isEmpty();
  }

  @Test
  void aPutWhoseContentIsNotTheExpectedHashStoresNothing() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    byte[] content = bytes(100);
    String other = sha256(bytes(101));

    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(content), Optional.of(other)))
        .isInstanceOf(BlobIntegrityException.class)
        .hasMessageContaining("expected sha256:" + other);
    assertThat(store.stat(sha256(content))).isEmpty();
    assertThat(temporaries()).isEmpty();
    assertThat(store.put(new ByteArrayInputStream(content), Optional.of(sha256(content))).size())
        .isEqualTo(100);
  }

  @Test
  void aPutThatFailsMidwayLeavesNothingVisible() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    // Some bytes, then the failure a client that went away causes.
    InputStream failing =
        new java.io.SequenceInputStream(
            new ByteArrayInputStream(bytes(5000)),
            new InputStream() {
              @Override
              public int read() throws IOException {
                throw new IOException("client went away");
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("client went away");
              }
            });

    assertThatThrownBy(() -> store.put(failing, Optional.empty())).hasMessage("client went away");
    assertThat(temporaries()).isEmpty();
    try (Stream<Path> files = Files.walk(root.resolve("sha256"))) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void aDamagedBlobFailsAWholeReadAtItsEnd() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    StoredBlob blob = store.put(new ByteArrayInputStream(bytes(4096)), Optional.empty());
    Path file =
        root.resolve("sha256").resolve(blob.address().substring(0, 2)).resolve(blob.address());
    byte[] damaged = Files.readAllBytes(file);
    damaged[100] ^= 1;
    Files.write(file, damaged);

    try (InputStream in = store.get(blob.address())) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(BlobIntegrityException.class)
          .hasMessageContaining("damaged");
    }
  }

  @Test
  void aDamagedLastByteIsFoundByAWholeReadInSmallReadsAndAnEarlyCloseIsQuiet() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    // Read 4 KiB at a time, as a client's buffer may take it.
    byte[] content = bytes(4 << 20);
    StoredBlob blob = store.put(new ByteArrayInputStream(content), Optional.empty());
    byte[] chunk = new byte[4096];
    try (InputStream in = store.get(blob.address())) {
      int n;
      long read = 0;
      while ((n = in.read(chunk)) > 0) {
        read += n;
      }
      assertThat(read).isEqualTo(content.length);
    }
    Path file =
        root.resolve("sha256").resolve(blob.address().substring(0, 2)).resolve(blob.address());
    byte[] damaged = content.clone();
    damaged[damaged.length - 1] ^= 1;
    Files.write(file, damaged);
    try (InputStream in = store.get(blob.address())) {
      assertThatThrownBy(
              () -> {
                while (in.read(chunk) > 0) {
                  // reads to the end, where the check is
                }
              })
          .isInstanceOf(BlobIntegrityException.class);
    }
    // Closed half way: no check, no error; the caller stopped reading.
    for (int i = 0; i < 100; i++) {
      try (InputStream in = store.get(blob.address())) {
        assertThat(in.read(chunk)).isPositive();
      }
    }
  }

  @Test
  void aTransferWritesTheBlobOrARangeAndStopsShortOfTheEndOfADamagedOne() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    // Several chunks of VerifiedCopy and a partial one.
    byte[] content = bytes(3 * VerifiedCopy.CHUNK + 12345);
    StoredBlob blob = store.put(new ByteArrayInputStream(content), Optional.empty());

    java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
    transfer(store, blob.address(), 0, content.length, whole);
    assertThat(whole.toByteArray()).isEqualTo(content);
    java.io.ByteArrayOutputStream range = new java.io.ByteArrayOutputStream();
    transfer(store, blob.address(), 100, VerifiedCopy.CHUNK + 7, range);
    assertThat(range.toByteArray())
        .isEqualTo(Arrays.copyOfRange(content, 100, 100 + VerifiedCopy.CHUNK + 7));

    Path file =
        root.resolve("sha256").resolve(blob.address().substring(0, 2)).resolve(blob.address());
    byte[] damaged = content.clone();
    damaged[damaged.length - 1] ^= 1;
    Files.write(file, damaged);
    java.io.ByteArrayOutputStream cut = new java.io.ByteArrayOutputStream();
    assertThatThrownBy(() -> transfer(store, blob.address(), 0, content.length, cut))
        .isInstanceOf(BlobIntegrityException.class)
        .hasMessageContaining("damaged");
    // The last chunk, where the damage is, never went out.
    assertThat(cut.size()).isEqualTo(3 * VerifiedCopy.CHUNK);
    // A missing blob is known when the transfer is opened, before anything would be written.
    assertThatThrownBy(() -> store.transfer("0".repeat(64), 0, 1))
        .isInstanceOf(BlobNotFoundException.class);
  }

  private static void transfer(
      BlobStore store, String address, long offset, long length, java.io.OutputStream out)
      throws Exception {
    try (BlobTransfer transfer = store.transfer(address, offset, length)) {
      transfer.to(out);
    }
  }

  @Test
  void addressesThatAreNotHexAreRefusedBeforeTouchingTheFileSystem() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);

    assertThatThrownBy(() -> store.get("../../etc/passwd", 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.delete("AB" + "0".repeat(62)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void abandonedTemporariesAreRemovedByAge() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    Path old = Files.createFile(root.resolve("tmp/put-1.part"));
    Files.setLastModifiedTime(old, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    Path fresh = Files.createFile(root.resolve("tmp/put-2.part"));

    assertThat(store.removeTemporaries(Instant.parse("2026-06-01T00:00:00Z"))).isEqualTo(1);
    assertThat(old).doesNotExist();
    assertThat(fresh).exists();
  }

  private java.util.List<Path> temporaries() throws IOException {
    try (Stream<Path> files = Files.list(root.resolve("tmp"))) {
      return files.toList();
    }
  }
}
