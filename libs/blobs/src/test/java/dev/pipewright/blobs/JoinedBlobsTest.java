package dev.pipewright.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DirectoryBlobStore#join}: blocks become one blob by hard links, never by a copy. */
class JoinedBlobsTest {
  @TempDir Path root;

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** Three blocks (the middle one twice) put as blobs, and their content joined. */
  private record Blocks(List<String> addresses, byte[] joined) {}

  private static Blocks blocks(BlobStore store) throws Exception {
    byte[] a = bytes(3 << 20, 1);
    byte[] b = bytes(100_000, 2);
    byte[] c = bytes(17, 3);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<String> addresses = new java.util.ArrayList<>();
    for (byte[] block : List.of(a, b, c, b)) {
      addresses.add(store.put(new ByteArrayInputStream(block), Optional.empty()).address());
      all.write(block);
    }
    return new Blocks(addresses, all.toByteArray());
  }

  private Path file(String address) {
    return root.resolve("sha256").resolve(address.substring(0, 2)).resolve(address);
  }

  @Test
  void joinedBlocksReadBackWholeAndAcrossTheirBoundariesAndOutliveTheBlocks() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    Blocks blocks = blocks(store);

    StoredBlob joined = store.join(blocks.addresses(), Optional.of(sha256(blocks.joined())));

    assertThat(joined).isEqualTo(new StoredBlob(sha256(blocks.joined()), blocks.joined().length));
    assertThat(store.stat(joined.address())).contains(joined);
    // The same inode as the first block: linked, not copied.
    Path first = LinkedParts.parts(file(joined.address())).get(0);
    assertThat(Files.isSameFile(first, file(blocks.addresses().get(0)))).isTrue();

    for (String block : blocks.addresses()) {
      store.delete(block);
    }
    try (InputStream in = store.get(joined.address())) {
      assertThat(in.readAllBytes()).isEqualTo(blocks.joined());
    }
    int from = (3 << 20) - 10;
    try (InputStream in = store.get(joined.address(), from, 100_020)) {
      assertThat(in.readAllBytes())
          .isEqualTo(Arrays.copyOfRange(blocks.joined(), from, from + 100_020));
    }
    assertThat(temporaries()).isEmpty();

    assertThat(store.delete(joined.address())).isTrue();
    assertThat(store.stat(joined.address())).isEmpty();
    assertThat(file(joined.address())).doesNotExist();
    assertThat(temporaries()).isEmpty();
    assertThatThrownBy(() -> store.get(joined.address(), 0, 1))
        .isInstanceOf(BlobNotFoundException.class);
  }

  @Test
  void aJoinOfOtherContentThanExpectedOrOfAMissingBlockStoresNothing() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    Blocks blocks = blocks(store);
    String other = "0".repeat(64);

    assertThatThrownBy(() -> store.join(blocks.addresses(), Optional.of(other)))
        .isInstanceOf(BlobIntegrityException.class);
    assertThat(store.stat(sha256(blocks.joined()))).isEmpty();
    assertThat(temporaries()).isEmpty();

    assertThatThrownBy(
            () -> store.join(List.of(blocks.addresses().get(0), other), Optional.empty()))
        .isInstanceOf(BlobNotFoundException.class);
    assertThat(temporaries()).isEmpty();
  }

  @Test
  void joiningTheSameContentTwiceOrAsAPutKeepsOneBlob() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    Blocks blocks = blocks(store);

    StoredBlob first = store.join(blocks.addresses(), Optional.empty());
    StoredBlob second = store.join(blocks.addresses(), Optional.empty());
    StoredBlob put = store.put(new ByteArrayInputStream(blocks.joined()), Optional.empty());

    assertThat(second).isEqualTo(first);
    assertThat(put).isEqualTo(first);
    assertThat(temporaries()).isEmpty();
    // One block is its own join; a join of joins reads as the whole.
    assertThat(store.join(blocks.addresses().subList(0, 1), Optional.empty()).address())
        .isEqualTo(blocks.addresses().get(0));
    StoredBlob twice = store.join(List.of(first.address(), first.address()), Optional.empty());
    try (InputStream in = store.get(twice.address())) {
      byte[] expected = new byte[blocks.joined().length * 2];
      System.arraycopy(blocks.joined(), 0, expected, 0, blocks.joined().length);
      System.arraycopy(
          blocks.joined(), 0, expected, blocks.joined().length, blocks.joined().length);
      assertThat(in.readAllBytes()).isEqualTo(expected);
    }
  }

  @Test
  void aDamagedPartFailsAWholeReadOfTheJoinAtItsEnd() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    Blocks blocks = blocks(store);
    StoredBlob joined = store.join(blocks.addresses(), Optional.empty());
    Path last = file(blocks.addresses().get(2));
    byte[] damaged = Files.readAllBytes(last);
    damaged[0] ^= 1;
    Files.write(last, damaged);

    try (InputStream in = store.get(joined.address())) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(BlobIntegrityException.class)
          .hasMessageContaining("damaged");
    }
  }

  @Test
  void anAbandonedJoinIsRemovedByAge() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    Path old = Files.createDirectory(root.resolve("tmp/join-1"));
    Files.createFile(old.resolve("000000"));
    Files.setLastModifiedTime(old, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));

    assertThat(store.removeTemporaries(Instant.parse("2026-06-01T00:00:00Z"))).isEqualTo(1);
    assertThat(old).doesNotExist();
  }

  private List<Path> temporaries() throws Exception {
    try (Stream<Path> files = Files.list(root.resolve("tmp"))) {
      return files.toList();
    }
  }
}
