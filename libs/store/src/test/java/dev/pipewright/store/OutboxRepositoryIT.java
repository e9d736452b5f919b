package dev.pipewright.store;

import static dev.pipewright.store.jooq.Tables.OUTBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.models.BuildStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OutboxRepositoryIT {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final BuildRepository builds = new BuildRepository(db.dsl());
  private final OutboxRepository outbox = new OutboxRepository(db.dsl());

  /** Rows waiting to be published, due or backing off. */
  private int outboxRows() {
    return db.dsl().fetchCount(OUTBOX);
  }

  // Every test drains the whole outbox, so each starts from an empty one.
  @BeforeEach
  void emptyOutbox() {
    db.dsl().deleteFrom(OUTBOX).execute();
  }

  private UUID newBuild() {
    return builds.create(NewBuild.of("pipe", "jobs: {}")).id();
  }

  private BuildStatus status(UUID id) {
    return builds.find(id).orElseThrow().status();
  }

  private static List<Long> ids(OutboxBatch batch) {
    return batch.entries().stream().map(OutboxEntry::id).toList();
  }

  @Test
  void completingAfterConfirmsQueuesTheBuildsAndDeletesTheRows() {
    UUID first = newBuild();
    UUID second = newBuild();

    int queued =
        outbox.claimBatch(
            10,
            batch -> {
              assertThat(batch.entries())
                  .extracting(OutboxEntry::buildId)
                  .containsExactly(first, second);
              assertThat(batch.entries())
                  .allSatisfy(e -> assertThat(e.kind()).isEqualTo(OutboxKind.START));
              return batch.completeAll();
            });

    assertThat(queued).isEqualTo(2);
    assertThat(status(first)).isEqualTo(BuildStatus.QUEUED);
    assertThat(builds.find(first).orElseThrow().queuedAt()).isNotNull();
    assertThat(outboxRows()).isZero();
    assertThat(outbox.claimBatch(10, OutboxBatch::entries)).isEmpty();
  }

  @Test
  void aRequeueRowIsOnlyDeletedAndACancelledBuildStaysCancelled() {
    UUID requeued = newBuild();
    UUID cancelledLater = newBuild();
    outbox.claimBatch(10, OutboxBatch::completeAll);
    builds.claim(requeued, "w", Duration.ZERO);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> builds.requeueExpired(requeued));
    builds.transition(cancelledLater, BuildStatus.RUNNING, null, null);
    builds.transition(cancelledLater, BuildStatus.CANCELLED, null, null);

    int queued =
        outbox.claimBatch(
            10,
            batch -> {
              assertThat(batch.entries())
                  .singleElement()
                  .satisfies(e -> assertThat(e.kind()).isEqualTo(OutboxKind.REQUEUE));
              return batch.completeAll();
            });

    assertThat(queued).as("already QUEUED").isZero();
    assertThat(status(requeued)).isEqualTo(BuildStatus.QUEUED);
    assertThat(status(cancelledLater)).isEqualTo(BuildStatus.CANCELLED);
    assertThat(outboxRows()).isZero();
  }

  @Test
  void aFailedPublishIsRecordedAndBacksOff() {
    UUID id = newBuild();

    outbox.claimBatch(
        10,
        batch -> {
          batch.failAll("broker unreachable", Duration.ofMinutes(10));
          return null;
        });

    assertThat(status(id)).isEqualTo(BuildStatus.PENDING);
    assertThat(outbox.claimBatch(10, OutboxBatch::entries)).as("backing off").isEmpty();
    var row = db.dsl().selectFrom(OUTBOX).where(OUTBOX.BUILD_ID.eq(id)).fetchSingle();
    assertThat(row.getAttempts()).isEqualTo(1);
    assertThat(row.getLastError()).isEqualTo("broker unreachable");

    db.dsl().update(OUTBOX).set(OUTBOX.AVAILABLE_AT, row.getCreatedAt()).execute();
    outbox.claimBatch(
        10,
        batch -> {
          assertThat(batch.entries())
              .singleElement()
              .satisfies(
                  e -> {
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.lastError()).isEqualTo("broker unreachable");
                  });
          batch.fail(ids(batch), "nack", Duration.ZERO);
          return null;
        });
    assertThat(outbox.claimBatch(10, OutboxBatch::entries))
        .singleElement()
        .satisfies(e -> assertThat(e.attempts()).isEqualTo(2));
  }

  @Test
  void aThrowingHandlerKeepsNothingButCountsTheAttempt() {
    UUID id = newBuild();

    assertThatThrownBy(
            () ->
                outbox.claimBatch(
                    10,
                    batch -> {
                      batch.completeAll();
                      throw new IllegalStateException("channel closed");
                    }))
        .hasMessage("channel closed");

    assertThat(status(id)).isEqualTo(BuildStatus.PENDING);
    var row = db.dsl().selectFrom(OUTBOX).where(OUTBOX.BUILD_ID.eq(id)).fetchSingle();
    assertThat(row.getAttempts()).isEqualTo(1);
    assertThat(row.getLastError()).isEqualTo("channel closed");
  }

  @Test
  void rowsOfAnotherBatchCannotBeCompleted() {
    newBuild();

    assertThatThrownBy(() -> outbox.claimBatch(10, batch -> batch.complete(List.of(-1L))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void twoRelaysNeverClaimTheSameRows() throws Exception {
    Set<UUID> all = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      all.add(newBuild());
    }
    CountDownLatch firstHoldsItsRows = new CountDownLatch(1);
    CountDownLatch secondDone = new CountDownLatch(1);

    CompletableFuture<List<UUID>> first =
        CompletableFuture.supplyAsync(
            () ->
                outbox.claimBatch(
                    5,
                    batch -> {
                      firstHoldsItsRows.countDown();
                      await(secondDone);
                      batch.completeAll();
                      return batch.entries().stream().map(OutboxEntry::buildId).toList();
                    }));
    assertThat(firstHoldsItsRows.await(10, TimeUnit.SECONDS)).isTrue();
    List<UUID> second =
        outbox.claimBatch(
            10,
            batch -> {
              batch.completeAll();
              return batch.entries().stream().map(OutboxEntry::buildId).toList();
            });
    secondDone.countDown();
    List<UUID> firstIds = first.get(10, TimeUnit.SECONDS);

    assertThat(firstIds).hasSize(5);
    assertThat(second).hasSize(5).doesNotContainAnyElementsOf(firstIds);
    Set<UUID> union = new HashSet<>(firstIds);
    union.addAll(second);
    assertThat(union).isEqualTo(all);
    assertThat(all).allSatisfy(id -> assertThat(status(id)).isEqualTo(BuildStatus.QUEUED));
    assertThat(outboxRows()).isZero();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the other relay never finished");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // A cancel racing the relay for the same build must not deadlock with it.

  /** Sessions of this test's database blocked on a row or transaction lock. */
  private static int lockWaiters() {
    return db.dsl()
        .fetchCount(
            DSL.table(DSL.name("pg_catalog", "pg_stat_activity")),
            DSL.field(DSL.name("datname"))
                .eq(DSL.field("current_database()"))
                .and(DSL.field(DSL.name("wait_event_type")).eq("Lock")));
  }

  @Test
  void aCancelWaitingOnTheRelaysLockedRowCancelsOnceTheRelayCommitted() throws Exception {
    UUID id = newBuild();

    CompletableFuture<CancelOutcome> cancel =
        outbox.claimBatch(
            10,
            batch -> {
              assertThat(batch.entries()).extracting(OutboxEntry::buildId).containsExactly(id);
              CompletableFuture<CancelOutcome> started =
                  CompletableFuture.supplyAsync(() -> builds.requestCancel(id));
              // The cancel now waits for the row this relay holds; before the fix it held the
              // build's row meanwhile, which the relay needs next: a deadlock.
              Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lockWaiters() == 1);
              assertThat(batch.completeAll()).isEqualTo(1);
              return started;
            });

    assertThat(cancel.get(10, TimeUnit.SECONDS)).isEqualTo(CancelOutcome.CANCELLED);
    assertThat(builds.find(id).orElseThrow().status()).isEqualTo(BuildStatus.CANCELLED);
    assertThat(outboxRows()).isZero();
  }

  @Test
  void relaysAndCancelsHammeringTheSameBuildsNeverDeadlock() throws Exception {
    List<UUID> ids =
        builds.createAll(Collections.nCopies(100, NewBuild.of("pipe", "jobs: {}"))).stream()
            .map(CreatedBuild::id)
            .toList();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        work.add(
            pool.submit(
                () -> {
                  while (outbox.claimBatch(7, OutboxBatch::completeAll) > 0 || outboxRows() > 0) {
                    Thread.onSpinWait();
                  }
                }));
      }
      for (int c = 0; c < 4; c++) {
        int first = c;
        work.add(
            pool.submit(
                () -> {
                  for (int i = first; i < ids.size(); i += 4) {
                    builds.requestCancel(ids.get(i));
                  }
                }));
      }
      // Any deadlock surfaces here as a TRANSIENT CiException from one of the workers.
      for (Future<?> f : work) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(ids)
        .allSatisfy(
            id ->
                assertThat(builds.find(id).orElseThrow().status())
                    .isEqualTo(BuildStatus.CANCELLED));
    assertThat(outboxRows()).isZero();
  }
}
