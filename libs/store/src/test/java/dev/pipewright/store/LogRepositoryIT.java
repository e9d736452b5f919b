package dev.pipewright.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LogRepositoryIT {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final BuildRepository builds = new BuildRepository(db.dsl());
  private final LogRepository logs = new LogRepository(db.dsl());

  private UUID newBuild() {
    return builds.create(NewBuild.of("pipe", "jobs: {}")).id();
  }

  @Test
  void aRetriedAppendIsStoredOnce() {
    UUID build = newBuild();

    assertThat(logs.append(build, "test", 1, 1, "hello\n")).isTrue();
    assertThat(logs.append(build, "test", 1, 1, "hello\n")).isFalse();
    assertThat(logs.append(build, "test", 2, 1, "other step\n")).isTrue();
    assertThat(logs.append(build, "test", null, 1, "job line\n")).isTrue();
    assertThat(logs.append(build, null, null, 1, "build line\n")).isTrue();
    assertThat(logs.append(build, null, null, 1, "build line\n")).isFalse();

    assertThat(logs.read(build, null, null, 0, 100))
        .extracting(LogEntry::jobKey, LogEntry::stepNumber, LogEntry::content)
        .containsExactly(
            tuple("test", 1, "hello\n"),
            tuple("test", 2, "other step\n"),
            tuple("test", null, "job line\n"),
            tuple(null, null, "build line\n"));
  }

  @Test
  void aNulByteIsStoredVisiblyInsteadOfLosingTheChunk() {
    UUID build = newBuild();
    // PostgreSQL refuses NUL in text: unescaped, the whole batch (and its clean lines) failed.
    List<LogChunk> batch =
        List.of(
            new LogChunk(build, "test", 1, 1, "clean line\n"),
            new LogChunk(build, "test", 1, 2, "a\0b\n"),
            new LogChunk(build, "test", 1, 3, "##[error]Process completed with exit code 1.\n"));

    assertThat(logs.appendAll(batch).chunks()).isEqualTo(3);

    assertThat(logs.read(build, "test", 1, 0, 10))
        .extracting(LogEntry::content)
        .containsExactly(
            "clean line\n", "a\u2400b\n", "##[error]Process completed with exit code 1.\n");
  }

  @Test
  void storedBytesCountsEveryStreamOfTheBuildOnly() {
    UUID build = newBuild();
    assertThat(logs.storedBytes(build)).isZero();
    logs.append(build, "test", 1, 1, "héllo\n"); // 7 bytes
    logs.append(build, "test", null, 1, "job\n");
    logs.append(build, null, null, 1, "build\n");
    logs.append(newBuild(), "test", 1, 1, "another build\n");

    assertThat(logs.storedBytes(build)).isEqualTo(7 + 4 + 6);
  }

  @Test
  void batchesAreIdempotentAndReadBackInOrderFromACursor() {
    UUID build = newBuild();
    List<LogChunk> first =
        IntStream.rangeClosed(1, 50)
            .mapToObj(i -> new LogChunk(build, "compile", 1, i, "line " + i + "\n"))
            .toList();

    assertThat(logs.appendAll(first).chunks()).isEqualTo(50);
    List<LogChunk> overlapping =
        IntStream.rangeClosed(41, 60)
            .mapToObj(i -> new LogChunk(build, "compile", 1, i, "line " + i + "\n"))
            .toList();
    // "line 51\n".."line 60\n": 8 bytes each, counted by the server.
    assertThat(logs.appendAll(overlapping))
        .as("51..60 were stored")
        .isEqualTo(new LogRepository.Appended(10, 80));
    assertThat(logs.appendAll(List.of(new LogChunk(build, "compile", 2, 1, "é\n"))).bytes())
        .as("bytes, not chars")
        .isEqualTo(3);

    List<String> read = new ArrayList<>();
    long cursor = 0;
    List<LogEntry> page;
    do {
      page = logs.read(build, "compile", 1, cursor, 7);
      for (LogEntry e : page) {
        assertThat(e.cursor()).isGreaterThan(cursor);
        cursor = e.cursor();
        read.add(e.content());
      }
    } while (!page.isEmpty());

    assertThat(read)
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, 60).mapToObj(i -> "line " + i + "\n").toList());
    logs.append(build, "compile", null, 3, "job line\n");
    logs.append(build, "test", 1, 9, "other job\n");
    assertThat(logs.lastSeqs(build, "compile"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(0, 3L, 1, 60L, 2, 1L));
    assertThat(logs.lastSeqs(build, "lint")).isEmpty();
  }

  /**
   * How far into its command's output each step's stored log reaches: the last chunk's offset,
   * whatever order the chunks came in; a step whose last chunk does not say, and the job's own
   * stream, are absent.
   */
  @Test
  void sourceOffsetsAreThoseOfEachStepsLastChunk() {
    UUID build = newBuild();
    logs.appendAll(
        List.of(
            new LogChunk(build, "compile", null, 1, "job line\n"),
            new LogChunk(build, "compile", 1, 2, "line 2\n", 14L),
            new LogChunk(build, "compile", 1, 1, "line 1\n", 7L),
            new LogChunk(build, "compile", 2, 1, "done\n", 5L),
            new LogChunk(build, "compile", 2, 2, "##[error]closing\n", Long.MAX_VALUE),
            new LogChunk(build, "compile", 3, 1, "before offsets were stored\n"),
            new LogChunk(build, "lint", 1, 1, "other job\n", 10L)));

    assertThat(logs.sourceOffsets(build, "compile"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(1, 14L, 2, Long.MAX_VALUE));
    assertThat(logs.sourceOffsets(newBuild(), "compile")).isEmpty();
    assertThatThrownBy(() -> new LogChunk(build, "compile", 1, 3, "x", -1L))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void filtersNarrowToAJobOrAStep() {
    UUID build = newBuild();
    UUID otherBuild = newBuild();
    logs.appendAll(
        List.of(
            new LogChunk(build, null, null, 1, "b"),
            new LogChunk(build, "a", null, 1, "a"),
            new LogChunk(build, "a", 1, 1, "a1"),
            new LogChunk(build, "a", 2, 1, "a2"),
            new LogChunk(build, "z", 1, 1, "z1"),
            new LogChunk(otherBuild, "a", 1, 1, "elsewhere")));

    assertThat(logs.read(build, "a", null, 0, 100))
        .extracting(LogEntry::content)
        .containsExactly("a", "a1", "a2");
    assertThat(logs.read(build, "a", 2, 0, 100))
        .extracting(LogEntry::content)
        .containsExactly("a2");
    assertThat(logs.read(build, null, null, 0, 100)).hasSize(5);
    assertThatThrownBy(() -> logs.read(build, null, 1, 0, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentWritersOfOneBuildInterleaveWithoutLossOrDuplicates() throws Exception {
    UUID build = newBuild();

    AtomicInteger writers = new AtomicInteger();

    List<Integer> inserted =
        BuildRepositoryIT.concurrently(
            8, () -> writeFiftyLinesInBatches(build, "job" + writers.getAndIncrement()));

    assertThat(inserted).allSatisfy(n -> assertThat(n).isEqualTo(50));
    List<LogEntry> all = logs.read(build, null, null, 0, 1000);
    assertThat(all).hasSize(400);
    assertThat(all).extracting(LogEntry::cursor).isSorted().doesNotHaveDuplicates();
    for (int w = 0; w < 8; w++) {
      String key = "job" + w;
      assertThat(all.stream().filter(e -> key.equals(e.jobKey())).map(LogEntry::seq))
          .containsExactlyElementsOf(IntStream.rangeClosed(1, 50).mapToObj(i -> (long) i).toList());
    }
  }

  private int writeFiftyLinesInBatches(UUID build, String key) {
    int total = 0;
    for (int batch = 0; batch < 5; batch++) {
      int from = batch * 10 + 1;
      total +=
          logs.appendAll(
                  IntStream.range(from, from + 10)
                      .mapToObj(i -> new LogChunk(build, key, 1, i, key + ":" + i))
                      .toList())
              .chunks();
    }
    return total;
  }
}
