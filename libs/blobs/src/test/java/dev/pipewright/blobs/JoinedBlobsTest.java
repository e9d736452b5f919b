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
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DirectoryBlobStore#stage} and {@link DirectoryBlobStore#join}: staged parts become one
 * blob by hard links, never by a copy, hashed once whatever order they arrived in.
 */
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

  /** Four blocks (the second and fourth alike) staged as parts of upload "u", and their content. */
  private record Blocks(List<String> parts, byte[] joined) {}

  private static Blocks blocks(BlobStore store) throws Exception {
    return blocks(store, "u", List.of(0L, 1L, 2L, 3L));
  }

  /** The blocks staged in order, each at its position in {@code positions} (negative: none). */
  private static Blocks blocks(BlobStore store, String upload, List<Long> positions)
      throws Exception {
    byte[] a = bytes(3 << 20, 1);
    byte[] b = bytes(100_000, 2);
    byte[] c = bytes(17, 3);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<String> parts = new java.util.ArrayList<>();
    List<byte[]> blocks = List.of(a, b, c, b);
    for (int i = 0; i < blocks.size(); i++) {
      long at = positions.get(i);
      StagedPart part =
          store.stage(
              upload,
              at < 0 ? OptionalLong.empty() : OptionalLong.of(at),
              new ByteArrayInputStream(blocks.get(i)));
      assertThat(part.size()).isEqualTo(blocks.get(i).length);
      parts.add(part.name());
      all.write(blocks.get(i));
    }
    return new Blocks(parts, all.toByteArray());
  }

  private Path part(String name) {
    return root.resolve("parts").resolve(name);
  }

  private Path file(String address) {
    return root.resolve("sha256").resolve(address.substring(0, 2)).resolve(address);
  }

  @Test
  void joinedBlocksReadBackWholeAndAcrossTheirBoundariesAndOutliveTheBlocks() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    Blocks blocks = blocks(store);

    StoredBlob joined = store.join("u", blocks.parts(), Optional.of(sha256(blocks.joined())));

    assertThat(joined).isEqualTo(new StoredBlob(sha256(blocks.joined()), blocks.joined().length));
    assertThat(store.stat(joined.address())).contains(joined);
    // The same inode as the first part: linked, not copied.
    Path first = LinkedParts.parts(file(joined.address())).get(0);
    assertThat(Files.isSameFile(first, part(blocks.parts().get(0)))).isTrue();

    for (String part : blocks.parts()) {
      store.discard(part);
      assertThat(part(part)).doesNotExist();
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
  void aJoinOfOtherContentThanExpectedOrOfAMissingPartStoresNothing() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    Blocks blocks = blocks(store);
    String other = "0".repeat(64);

    assertThatThrownBy(() -> store.join("u", blocks.parts(), Optional.of(other)))
        .isInstanceOf(BlobIntegrityException.class);
    assertThat(store.stat(sha256(blocks.joined()))).isEmpty();
    assertThat(temporaries()).isEmpty();

    assertThatThrownBy(
            () -> store.join("u", List.of(blocks.parts().get(0), "0".repeat(32)), Optional.empty()))
        .isInstanceOf(BlobNotFoundException.class);
    assertThat(temporaries()).isEmpty();
    assertThatThrownBy(() -> store.join("u", List.of("../../x"), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void partsHashedAheadInTheirOrderOrNotJoinToTheSameBlob() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    String expected = sha256(blocks(store, "x", List.of(-1L, -1L, -1L, -1L)).joined());
    // In order; out of order (the first part last); positions that guess wrong (a gap); none.
    for (List<Long> positions :
        List.of(
            List.of(0L, 1L, 2L, 3L),
            List.of(3L, 0L, 1L, 2L),
            List.of(0L, 1L, 5L, 2L),
            List.of(1L, 0L, 2L, 3L))) {
      String upload = "u" + positions;
      Blocks blocks = blocks(store, upload, positions);
      StoredBlob joined = store.join(upload, blocks.parts(), Optional.of(expected));
      assertThat(joined.sha256()).isEqualTo(expected);
      try (InputStream in = store.get(joined.address())) {
        assertThat(in.readAllBytes()).isEqualTo(blocks.joined());
      }
    }
  }

  @Test
  void runningDigestsHashPartsInTheirPositionsOrderAsTheyArrive() throws Exception {
    RunningDigests digests = new RunningDigests();
    Path dir = Files.createDirectories(root.resolve("d"));
    byte[] a = bytes(10, 1);
    byte[] b = bytes(20, 2);
    byte[] c = bytes(30, 3);
    Path fa = Files.write(dir.resolve("a"), a);
    Path fb = Files.write(dir.resolve("b"), b);
    Path fc = Files.write(dir.resolve("c"), c);

    // b waits for a; a and then b are hashed as a arrives; c is never staged at a position.
    digests.staged("u", 1, "b", fb);
    digests.staged("u", 0, "a", fa);
    RunningDigests.Prefix prefix = digests.take("u", List.of("a", "b", "c"));
    assertThat(prefix.parts()).isEqualTo(2);
    assertThat(prefix.size()).isEqualTo(30);
    prefix.sha().update(c);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(a);
    all.write(b);
    all.write(c);
    assertThat(HexFormat.of().formatHex(prefix.sha().digest()))
        .isEqualTo(sha256(all.toByteArray()));

    // Taken means forgotten; a join naming other parts first starts over.
    assertThat(digests.take("u", List.of("a", "b")).parts()).isZero();
    digests.staged("v", 0, "a", fa);
    assertThat(digests.take("v", List.of("b", "a")).parts()).isZero();
  }

  @Test
  void joiningTheSameContentTwiceOrAsAPutKeepsOneBlob() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    Blocks blocks = blocks(store);

    StoredBlob first = store.join("u", blocks.parts(), Optional.empty());
    StoredBlob second = store.join("u", blocks.parts(), Optional.empty());
    StoredBlob put = store.put(new ByteArrayInputStream(blocks.joined()), Optional.empty());

    assertThat(second).isEqualTo(first);
    assertThat(put).isEqualTo(first);
    assertThat(temporaries()).isEmpty();
    // The same bytes uploaded again: the blob stays the first one, the new parts are not in it.
    Blocks again = blocks(store, "v", List.of(0L, 1L, 2L, 3L));
    assertThat(store.join("v", again.parts(), Optional.empty())).isEqualTo(first);
    for (String part : again.parts()) {
      assertThat(Files.getAttribute(part(part), "unix:nlink")).isEqualTo(1);
    }
    // One part named twice reads twice; no part at all is the empty blob.
    String b = blocks.parts().get(1);
    StoredBlob twice = store.join("u", List.of(b, b), Optional.empty());
    try (InputStream in = store.get(twice.address())) {
      byte[] one = Files.readAllBytes(part(b));
      byte[] expected = new byte[one.length * 2];
      System.arraycopy(one, 0, expected, 0, one.length);
      System.arraycopy(one, 0, expected, one.length, one.length);
      assertThat(in.readAllBytes()).isEqualTo(expected);
    }
    assertThat(store.join("u", List.of(), Optional.empty()).sha256())
        .isEqualTo(sha256(new byte[0]));
  }

  @Test
  void aDamagedPartFailsAWholeReadOfTheJoinAtItsEnd() throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(root);
    Blocks blocks = blocks(store);
    StoredBlob joined = store.join("u", blocks.parts(), Optional.empty());
    Path last = part(blocks.parts().get(2));
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

    Path part = Files.createFile(root.resolve("parts").resolve("0".repeat(32)));
    Files.setLastModifiedTime(part, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    Path recent = Files.createFile(root.resolve("parts").resolve("1".repeat(32)));
    Files.setLastModifiedTime(recent, FileTime.from(Instant.parse("2026-07-01T00:00:00Z")));

    assertThat(store.removeTemporaries(Instant.parse("2026-06-01T00:00:00Z"))).isEqualTo(2);
    assertThat(old).doesNotExist();
    assertThat(part).doesNotExist();
    assertThat(recent).exists();
  }

  private List<Path> temporaries() throws Exception {
    try (Stream<Path> files = Files.list(root.resolve("tmp"))) {
      return files.toList();
    }
  }
}
