package dev.pipewright.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogChunkerTest {
  private final JobRef job = new JobRef("b1", "test");
  private final AtomicLong clock = new AtomicLong();
  private final List<LogChunk> stored = new ArrayList<>();

  private LogChunker chunker(LogSink sink, long lastSeq, int maxChars, SecretMasker masker) {
    return new LogChunker(
        sink, job, 3, lastSeq, masker, maxChars, Duration.ofMillis(200), clock::get, Runnable::run);
  }

  /** With the writer the runner uses: chunks are stored on another thread. */
  private LogChunker onVirtualThreads(LogSink sink, int maxChars, Duration maxDelay) {
    return new LogChunker(
        sink,
        job,
        3,
        0,
        new SecretMasker(),
        maxChars,
        maxDelay,
        clock::get,
        LogChunker.VIRTUAL_THREADS);
  }

  @Test
  void cutsBySizeWithConsecutiveSeqsAfterTheGivenOne() {
    LogChunker c = chunker(stored::add, 7, 10, new SecretMasker());
    c.line("12345");
    assertThat(stored).isEmpty();
    c.line("67890");
    c.line("abc");
    c.close();
    assertThat(stored).extracting(LogChunk::seq).containsExactly(8L, 9L);
    assertThat(stored).extracting(LogChunk::content).containsExactly("12345\n67890\n", "abc\n");
    assertThat(stored).allSatisfy(ch -> assertThat(ch.stepNumber()).isEqualTo(3));
    assertThat(c.lastSeq()).isEqualTo(9);
  }

  @Test
  void cutsByAgeOnlyOnceTheOldestLineIsDue() {
    LogChunker c = chunker(stored::add, 0, 1 << 20, new SecretMasker());
    c.line("first");
    clock.addAndGet(Duration.ofMillis(150).toNanos());
    c.line("second");
    c.flushIfDue();
    assertThat(stored).isEmpty();
    clock.addAndGet(Duration.ofMillis(60).toNanos());
    c.flushIfDue();
    assertThat(stored).extracting(LogChunk::content).containsExactly("first\nsecond\n");
  }

  @Test
  void masksBeforeBatching() {
    LogChunker c = chunker(stored::add, 0, 1 << 20, new SecretMasker(List.of("hunter2")));
    c.line("the password is hunter2");
    c.close();
    assertThat(stored.getFirst().content()).isEqualTo("the password is ***\n");
  }

  @Test
  void aRefusedChunkIsRetriedWithTheSameSeqAndOrderIsKept() {
    List<Boolean> failNext = new ArrayList<>(List.of(true));
    LogSink flaky =
        chunk -> {
          if (!failNext.isEmpty() && failNext.removeFirst()) {
            throw new CiException(ErrorCode.TRANSIENT, "db down");
          }
          stored.add(chunk);
        };
    LogChunker c = chunker(flaky, 0, 4, new SecretMasker());
    c.line("aaaa");
    assertThat(stored).isEmpty();
    c.line("bbbb");
    c.close();
    assertThat(stored).extracting(LogChunk::seq).containsExactly(1L, 2L);
    assertThat(stored).extracting(LogChunk::content).containsExactly("aaaa\n", "bbbb\n");
  }

  @Test
  void aSlowSinkGetsTheBacklogInBatchesWhileTheFeederWaitsInsteadOfDropping() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    List<LogChunk> written = new CopyOnWriteArrayList<>();
    LogSink slow =
        new LogSink() {
          @Override
          public void append(LogChunk chunk) {
            appendAll(List.of(chunk));
          }

          @Override
          public void appendAll(List<LogChunk> chunks) {
            try {
              release.await();
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
            batchSizes.add(chunks.size());
            written.addAll(chunks);
          }
        };
    // Every line is a chunk; the default writer stores them on its own virtual thread.
    LogChunker c = onVirtualThreads(slow, 1, Duration.ofMillis(200));
    int lines = LogChunker.MAX_PENDING * 2;
    Thread feeder =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 1; i <= lines; i++) {
                    c.line("line " + i);
                  }
                });
    await().atMost(Duration.ofSeconds(10)).until(() -> feeder.getState() == Thread.State.WAITING);
    assertThat(feeder.isAlive())
        .as("the feeder waits for the sink at the high-water mark")
        .isTrue();
    assertThat(c.lastSeq()).isLessThan(2L * LogChunker.HIGH_WATER);
    release.countDown();
    feeder.join(Duration.ofSeconds(10));
    c.close();
    assertThat(written).extracting(LogChunk::seq).containsExactlyElementsOf(seqs(1, lines));
    assertThat(batchSizes)
        .as("one appendAll per backlog, not one per chunk")
        .hasSizeLessThan(lines);
  }

  private static List<Long> seqs(long from, long to) {
    return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void flushReturnsOnceTheLinesAreStored() {
    List<LogChunk> written = new CopyOnWriteArrayList<>();
    LogChunker c = onVirtualThreads(written::add, 1 << 20, Duration.ofHours(1));
    c.line("one");
    c.line("two");
    c.flush();
    assertThat(written).extracting(LogChunk::content).containsExactly("one\ntwo\n");
    c.close();
  }

  @Test
  void theInMemorySinkKeepsTheFirstWriteOfASeq() {
    InMemoryLogSink sink = new InMemoryLogSink();
    sink.append(new LogChunk("b1", "test", 1, 1, "one\n"));
    sink.append(new LogChunk("b1", "test", 1, 1, "duplicate\n"));
    sink.append(new LogChunk("b1", "test", 1, 2, "two\n"));
    assertThat(sink.text(job, 1)).isEqualTo("one\ntwo\n");
  }
}
