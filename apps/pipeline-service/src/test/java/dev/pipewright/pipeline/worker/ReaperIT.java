package dev.pipewright.pipeline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.Database;
import dev.pipewright.store.NewBuild;
import dev.pipewright.store.OutboxEntry;
import dev.pipewright.store.OutboxKind;
import dev.pipewright.store.OutboxRepository;
import dev.pipewright.store.ScratchDatabases;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reaper against a real database (its own, dropped afterwards). */
class ReaperIT {
  private String url;
  private Database database;
  private BuildRepository builds;

  @BeforeEach
  void setUp() {
    url =
        WorkerHarness.PG
            + "pw_reaper_it_"
            + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    database = Database.open(url, "postgres", "");
    builds = new BuildRepository(database.dsl());
  }

  @AfterEach
  void tearDown() {
    database.close();
    ScratchDatabases.drop(url, "postgres", "");
  }

  /** A RUNNING build whose lease has already run out. */
  private UUID expiredBuild() {
    UUID id = builds.create(NewBuild.of("p", "on: push")).id();
    assertThat(builds.transition(id, BuildStatus.QUEUED, null, null)).isTrue();
    assertThat(builds.claim(id, "gone", Duration.ZERO)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> builds.expiredLeases(10).contains(id));
    return id;
  }

  @Test
  void aStartedReaperRequeuesExpiredLeasesAndWakesTheRelay() throws Exception {
    UUID id = expiredBuild();
    AtomicInteger wakes = new AtomicInteger();
    try (Reaper reaper = new Reaper(builds, null, wakes::incrementAndGet)) {
      reaper.start(Duration.ofMillis(20));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> builds.find(id).orElseThrow().status() == BuildStatus.QUEUED);
      await().atMost(Duration.ofSeconds(10)).until(() -> wakes.get() > 0);
      // Sweeps that requeue nothing wake nobody.
      assertThat(reaper.sweep()).isZero();
    }
    assertThat(wakes).hasValue(1);
    List<OutboxKind> rows =
        new OutboxRepository(database.dsl())
            .claimBatch(
                10,
                batch ->
                    batch.entries().stream()
                        .filter(e -> e.buildId().equals(id))
                        .map(OutboxEntry::kind)
                        .toList());
    assertThat(rows).contains(OutboxKind.REQUEUE);
  }

  @Test
  void aClosedReaperStopsSweepingAndLeavesExpiredLeasesAlone() throws Exception {
    AtomicInteger wakes = new AtomicInteger();
    Reaper reaper = new Reaper(builds, null, wakes::incrementAndGet).start(Duration.ofMillis(20));
    reaper.close();
    UUID id = expiredBuild();

    assertThat(reaper.sweep()).isZero();
    reaper.run();

    assertThat(builds.find(id).orElseThrow().status()).isEqualTo(BuildStatus.RUNNING);
    assertThat(wakes).hasValue(0);
  }
}
