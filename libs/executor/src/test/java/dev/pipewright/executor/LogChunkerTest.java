package dev.pipewright.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class LogChunkerTest {
  private final JobRef job = new JobRef("b1", "test");
  private final AtomicLong clock = new AtomicLong();
  private final List<LogChunk> stored = new ArrayList<>();

  /** One retry of a TRANSIENT refusal, after the policy's first back-off (1 s). */
  private static final int ATTEMPTS = 2;

  private LogChunker chunker(LogSink sink, long lastSeq, int maxChars, SecretMasker masker) {
    return chunker(sink, lastSeq, maxChars, masker, Runnable::run);
  }

  private LogChunker chunker(
      LogSink sink, long lastSeq, int maxChars, SecretMasker masker, Executor writer) {
    return new LogChunker(
        sink,
        job,
        3,
        lastSeq,
        masker,
        maxChars,
        Duration.ofMillis(200),
        clock::get,
        writer,
        ATTEMPTS);
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
        LogChunker.VIRTUAL_THREADS,
        LogChunker.DEFAULT_ATTEMPTS);
  }

  /** A sink that sees the batches the writer hands it, as one over a database does. */
  private static LogSink batches(Consumer<List<LogChunk>> appendAll) {
    return new LogSink() {
      @Override
      public void append(LogChunk chunk) {
        appendAll(List.of(chunk));
      }

      @Override
      public void appendAll(List<LogChunk> chunks) {
        appendAll.accept(chunks);
      }
    };
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
    List<Long> tried = new ArrayList<>();
    LogSink flaky =
        chunk -> {
          tried.add(chunk.seq());
          if (!failNext.isEmpty() && failNext.removeFirst()) {
            throw new CiException(ErrorCode.TRANSIENT, "db down");
          }
          stored.add(chunk);
        };
    LogChunker c = chunker(flaky, 0, 4, new SecretMasker());
    c.line("aaaa");
    c.line("bbbb");
    c.close();
    assertThat(tried).containsExactly(1L, 1L, 2L);
    assertThat(stored).extracting(LogChunk::seq).containsExactly(1L, 2L);
    assertThat(stored).extracting(LogChunk::content).containsExactly("aaaa\n", "bbbb\n");
    assertThat(c.failure()).isNull();
  }

  @Test
  void aSlowSinkGetsTheBacklogInBatchesWhileTheFeederWaitsInsteadOfDropping() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    List<LogChunk> written = new CopyOnWriteArrayList<>();
    LogSink slow =
        batches(
            chunks -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              batchSizes.add(chunks.size());
              written.addAll(chunks);
            });
    // Every line is a chunk; the default writer stores them on its own virtual thread.
    LogChunker c = onVirtualThreads(slow, 1, Duration.ofMillis(200));
    int lines = LogChunker.HIGH_WATER * 16;
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
  void aSinkThatKeepsRefusingFailsTheStreamWithATypedErrorAfterTheRetries() {
    AtomicInteger attempts = new AtomicInteger();
    LogSink down =
        chunk -> {
          attempts.incrementAndGet();
          throw new CiException(ErrorCode.TRANSIENT, "database: connection refused");
        };
    LogChunker c = chunker(down, 0, 4, new SecretMasker());
    c.line("aaaa");
    c.line("ignored once the stream failed");
    c.runnerLine("##[error]ignored too");
    c.close();

    assertThat(attempts).as("the first try and the retry").hasValue(ATTEMPTS);
    assertThat(c.failure()).isNotNull();
    assertThat(c.failure().code()).isEqualTo(ErrorCode.TRANSIENT);
    assertThat(c.failure().getMessage())
        .isEqualTo(
            "The log of step 3 could not be stored (2 attempts): database: connection refused");
  }

  @Test
  void aBatchRefusedForItsContentIsRetriedOneChunkAtATimeSoTheChunksBeforeItAreStored() {
    List<List<Long>> tried = new ArrayList<>();
    LogSink picky =
        batches(
            chunks -> {
              tried.add(chunks.stream().map(LogChunk::seq).toList());
              if (chunks.stream().anyMatch(ch -> ch.content().contains("bad"))) {
                throw new CiException(ErrorCode.PERMANENT, "database: invalid byte sequence");
              }
              stored.addAll(chunks);
            });
    List<Runnable> tasks = new ArrayList<>();
    LogChunker c = chunker(picky, 0, 4, new SecretMasker(), tasks::add);
    c.line("good");
    c.line("bad!");
    c.line("next");
    tasks.removeFirst().run(); // one writer task with the three chunks waiting

    // PERMANENT is not retried (RetryPolicy): seq 2 fails the stream at its first try alone.
    assertThat(tried).containsExactly(List.of(1L, 2L, 3L), List.of(1L), List.of(2L));
    assertThat(stored).extracting(LogChunk::content).containsExactly("good\n");
    assertThat(c.failure().code()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(c.failure().getMessage())
        .isEqualTo(
            "The log of step 3 could not be stored (1 attempt): database: invalid byte sequence");
    c.close();
    assertThat(tasks).isEmpty();
  }

  @Test
  void theSinksCapCutsTheLogWithAMarkerAndAClosingCount() {
    LogSink capped =
        new LogSink() {
          @Override
          public void append(LogChunk chunk) {
            stored.add(chunk);
          }

          @Override
          public LogLimits limits() {
            return new LogLimits(12, LogLimits.DEFAULT.buildBytes());
          }
        };
    LogChunker c = chunker(capped, 0, 1 << 20, new SecretMasker());
    c.line("first line");
    c.line("second line");
    c.line("third line");
    c.runnerLine("##[error]Process completed with exit code 2.");
    c.close();

    assertThat(c.capped()).isTrue();
    assertThat(c.failure()).isNull();
    assertThat(stored.stream().map(LogChunk::content).reduce("", String::concat))
        .isEqualTo(
            """
            first line
            ##[warning]This step's log reached its limit of 12 bytes: the step goes on running,\
             its further output is not stored.
            ##[error]Process completed with exit code 2.
            ##[warning]2 lines (23 bytes) of this step's output were not stored.
            """);
  }

  @Test
  void pastTheCapTheFeederNeverWaitsEvenForAStuckSink() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<LogChunk> written = new CopyOnWriteArrayList<>();
    LogSink stuck =
        new LogSink() {
          @Override
          public void append(LogChunk chunk) {
            try {
              release.await();
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
            written.add(chunk);
          }

          @Override
          public LogLimits limits() {
            return new LogLimits(100, LogLimits.DEFAULT.buildBytes());
          }
        };
    // A chunk per line: the cap comes after about ten chunks, well below the high-water mark.
    LogChunker c = onVirtualThreads(stuck, 1, Duration.ofMillis(200));
    Thread feeder =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 0; i < 100_000; i++) {
                    c.line("line " + i);
                  }
                });
    assertThat(feeder.join(Duration.ofSeconds(20))).as("the feeder finished").isTrue();
    assertThat(written).as("the sink still holds its first chunk").isEmpty();
    release.countDown();
    c.close();
    assertThat(written.getLast().content())
        .isEqualTo(
            "##[warning]99,987 lines (1,088,796 bytes) of this step's output were not stored.\n");
  }

  @Test
  void theInMemorySinkKeepsTheFirstWriteOfASeq() {
    InMemoryLogSink sink = new InMemoryLogSink();
    sink.append(new LogChunk("b1", "test", 1, 1, "one\n"));
    sink.append(new LogChunk("b1", "test", 1, 1, "duplicate\n"));
    sink.append(new LogChunk("b1", "test", 1, 2, "two\n"));
    assertThat(sink.text(job, 1)).isEqualTo("one\ntwo\n");
  }

  @Test
  void eachChunkSaysHowFarIntoTheCommandsOutputItReachesAndTheClosingLinesSayAfterIt() {
    LogChunker c = chunker(stored::add, 0, 1000, new SecretMasker());
    c.runnerLine("##[error]before the command");
    c.flush();
    c.line("one", 4);
    c.line("two", 8);
    c.flush();
    c.line("three", 14);
    c.outputEnded();
    c.runnerLine("##[error]Process completed with exit code 1.");
    c.close();

    assertThat(stored)
        .extracting(LogChunk::content, LogChunk::sourceOffset)
        .containsExactly(
            tuple("##[error]before the command\n", 0L),
            tuple("one\ntwo\n", 8L),
            tuple("three\n", 14L),
            tuple("##[error]Process completed with exit code 1.\n", LogChunk.AFTER_OUTPUT));
  }

  @Test
  void aResumedStreamDropsWhatIsStoredAndGoesOnNumberingAfterIt() {
    LogChunker c = chunker(stored::add, 2, 1000, new SecretMasker());
    c.resume(8);
    c.runnerLine("##[error]before the command, stored by the earlier worker");
    c.line("one", 4);
    c.line("two", 8);
    c.line("three", 14);
    c.outputEnded();
    c.runnerLine("##[error]Process completed with exit code 1.");
    c.close();

    assertThat(stored)
        .extracting(LogChunk::seq, LogChunk::content)
        .containsExactly(
            tuple(3L, "three\n"), tuple(4L, "##[error]Process completed with exit code 1.\n"));
  }

  @Test
  void aStreamResumedAfterItsClosingLinesStoresNothingMore() {
    LogChunker c = chunker(stored::add, 4, 1000, new SecretMasker());
    c.resume(LogChunk.AFTER_OUTPUT);
    c.line("three", 14);
    c.outputEnded();
    c.runnerLine("##[error]Process completed with exit code 1.");
    c.close();

    assertThat(stored).isEmpty();
  }

  @Test
  void theJobsOwnStreamHasNoSource() {
    LogChunker c =
        new LogChunker(
            stored::add,
            job,
            0,
            0,
            new SecretMasker(),
            1000,
            Duration.ofMillis(200),
            clock::get,
            Runnable::run,
            ATTEMPTS);
    c.runnerLine("##[warning]Attempt 2");
    c.close();

    assertThat(stored).extracting(LogChunk::sourceOffset).containsExactly(LogChunk.NO_SOURCE);
  }
}
