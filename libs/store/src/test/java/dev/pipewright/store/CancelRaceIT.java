package dev.pipewright.store;

import static dev.pipewright.store.jooq.Tables.OUTBOX;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.models.BuildStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cancelling a build while the outbox relay completes its row must not deadlock. */
class CancelRaceIT {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final BuildRepository builds = new BuildRepository(db.dsl());
  private final OutboxRepository outbox = new OutboxRepository(db.dsl());

  @BeforeEach
  void emptyOutbox() {
    db.dsl().deleteFrom(OUTBOX).execute();
  }

  private UUID newBuild() {
    return builds.create(NewBuild.of("pipe", "jobs: {}")).id();
  }

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
    assertThat(outbox.pendingCount()).isZero();
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
                  while (outbox.claimBatch(7, OutboxBatch::completeAll) > 0
                      || outbox.pendingCount() > 0) {
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
    assertThat(outbox.pendingCount()).isZero();
  }
}
