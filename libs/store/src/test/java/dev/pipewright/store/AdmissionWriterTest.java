package dev.pipewright.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class AdmissionWriterTest {
  private final List<List<String>> statements = new CopyOnWriteArrayList<>();
  private final CountDownLatch firstEntered = new CountDownLatch(1);

  /** A createAll that records each statement's pipelines and refuses the pipeline "bad". */
  private List<CreatedBuild> store(List<NewBuild> builds) {
    statements.add(builds.stream().map(NewBuild::pipelineId).toList());
    if (builds.stream().anyMatch(b -> b.pipelineId().equals("bad"))) {
      throw new CiException(ErrorCode.PERMANENT, "database: value too long");
    }
    List<CreatedBuild> created = new ArrayList<>();
    for (int i = 0; i < builds.size(); i++) {
      created.add(new CreatedBuild(UUID.randomUUID(), i + 1, BuildStatus.PENDING, false));
    }
    return created;
  }

  private static CompletableFuture<CreatedBuild> submit(AdmissionWriter writer, String pipeline) {
    return CompletableFuture.supplyAsync(() -> writer.create(NewBuild.of(pipeline, "jobs: {}")));
  }

  @Test
  void requestsQueuedDuringAStatementShareTheNext() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Function<List<NewBuild>, List<CreatedBuild>> slowFirst = heldFirst(release);
    try (AdmissionWriter writer = new AdmissionWriter(slowFirst, 3, 1)) {
      List<CompletableFuture<CreatedBuild>> all =
          queueBehindHeldFirst(writer, release, "p1", "p2", "p3", "p4");

      assertThat(all.get(0).get(5, TimeUnit.SECONDS).number()).isEqualTo(1);
      for (CompletableFuture<CreatedBuild> f : all) {
        assertThat(f.get(5, TimeUnit.SECONDS).status()).isEqualTo(BuildStatus.PENDING);
      }
    }
    assertThat(statements).extracting(List::size).containsExactly(1, 3, 1);
  }

  @Test
  void aRefusedBatchIsRetriedRequestByRequestSoOnlyTheBadOneFails() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Function<List<NewBuild>, List<CreatedBuild>> slowFirst = heldFirst(release);
    try (AdmissionWriter writer = new AdmissionWriter(slowFirst, 10, 1)) {
      List<CompletableFuture<CreatedBuild>> all =
          queueBehindHeldFirst(writer, release, "good", "bad");

      assertThat(all.get(0).get(5, TimeUnit.SECONDS)).isNotNull();
      assertThat(all.get(1).get(5, TimeUnit.SECONDS).number()).isEqualTo(1);
      assertThat(all.get(2))
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOfSatisfying(
              CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMANENT));
    }
    assertThat(statements).hasSize(4);
    assertThat(statements.get(1)).hasSize(2);
    assertThat(statements.subList(2, 4)).allSatisfy(s -> assertThat(s).hasSize(1));
  }

  @Test
  void aTransientFailureFailsTheWholeBatchWithoutRetries() {
    Function<List<NewBuild>, List<CreatedBuild>> down =
        builds -> {
          statements.add(builds.stream().map(NewBuild::pipelineId).toList());
          throw new CiException(ErrorCode.TRANSIENT, "database: connection refused");
        };
    try (AdmissionWriter writer = new AdmissionWriter(down, 10, 1)) {
      assertThatThrownBy(() -> writer.create(NewBuild.of("p", "jobs: {}")))
          .isInstanceOfSatisfying(
              CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT));
    }
    assertThat(statements).hasSize(1);
  }

  @Test
  void closeWritesWhatIsQueuedThenRefuses() throws Exception {
    AdmissionWriter writer = new AdmissionWriter(this::store, 10, 2);
    CompletableFuture<CreatedBuild> queued = submit(writer, "p");
    assertThat(queued.get(5, TimeUnit.SECONDS)).isNotNull();
    writer.close();

    assertThatThrownBy(() -> writer.create(NewBuild.of("p", "jobs: {}")))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(RetryPolicy.retryable(e)).isTrue());
    assertThat(writer.submit(NewBuild.of("p", "jobs: {}")))
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(RetryPolicy.retryable(e)).isTrue());
  }

  /**
   * Submits p0, whose statement waits for {@code release}, then {@code pipelines}, which queue
   * behind it; releases p0 once they all wait. The futures are in submission order.
   */
  private List<CompletableFuture<CreatedBuild>> queueBehindHeldFirst(
      AdmissionWriter writer, CountDownLatch release, String... pipelines) {
    List<CompletableFuture<CreatedBuild>> futures = new ArrayList<>();
    futures.add(submit(writer, "p0"));
    awaitQuietly(firstEntered);
    for (String pipeline : pipelines) {
      futures.add(submit(writer, pipeline));
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> writer.queued() == pipelines.length);
    release.countDown();
    return futures;
  }

  /** A store whose first statement waits for {@code release}, counting down firstEntered. */
  private Function<List<NewBuild>, List<CreatedBuild>> heldFirst(CountDownLatch release) {
    return builds -> {
      if (firstEntered.getCount() > 0) {
        firstEntered.countDown();
        awaitQuietly(release);
      }
      return store(builds);
    };
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
