package dev.pipewright.pipeline.worker;

import static dev.pipewright.store.jooq.Tables.BUILDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.queue.Outcome;
import dev.pipewright.queue.QueueMessage;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.Database;
import dev.pipewright.store.NewBuild;
import dev.pipewright.store.ScratchDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delivery rules against a real database (its own, dropped afterwards). */
class BuildIntakeIT {
  private String url;
  private Database database;
  private BuildRepository builds;
  private final List<String> ran = new ArrayList<>();
  private final List<Duration> paused = new ArrayList<>();
  private Runnable onPause = () -> {};
  private BuildIntake intake;

  @BeforeEach
  void setUp() {
    url =
        WorkerHarness.PG
            + "pw_intake_it_"
            + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    database = Database.open(url, "postgres", "");
    builds = new BuildRepository(database.dsl());
    intake =
        new BuildIntake(
            builds,
            "me",
            Duration.ofSeconds(30),
            3,
            b -> ran.add(b.id().toString()),
            null,
            d -> {
              paused.add(d);
              onPause.run();
            });
  }

  @AfterEach
  void tearDown() {
    database.close();
    ScratchDatabases.drop(url, "postgres", "");
  }

  private static QueueMessage delivery(Object buildId, int count) {
    return new QueueMessage("m", buildId.toString(), Instant.now(), count);
  }

  private UUID queuedBuild() {
    UUID id = builds.create(NewBuild.of("p", "on: push")).id();
    assertThat(builds.transition(id, BuildStatus.QUEUED, null, null)).isTrue();
    return id;
  }

  @Test
  void aQueuedBuildIsClaimedThenAckedAndHandedToTheLoops() {
    UUID id = queuedBuild();

    assertThat(intake.handle(delivery(id, 1))).isEqualTo(Outcome.ack());

    assertThat(ran).containsExactly(id.toString());
    assertThat(builds.find(id).orElseThrow().status()).isEqualTo(BuildStatus.RUNNING);
    assertThat(builds.find(id).orElseThrow().leaseOwner()).isEqualTo("me");
  }

  @Test
  void aDuplicateOfAClaimedBuildIsAckedWithoutRunningItAgain() {
    UUID id = queuedBuild();
    intake.handle(delivery(id, 1));

    assertThat(intake.handle(delivery(id, 1))).isEqualTo(Outcome.ack());

    assertThat(ran).hasSize(1);
    assertThat(builds.find(id).orElseThrow().attempt()).isEqualTo(1);
  }

  @Test
  void aBuildStillPendingAfterEveryRecheckIsRetriedThroughTheQueue() {
    UUID id = builds.create(NewBuild.of("p", "on: push")).id();

    assertThat(intake.handle(delivery(id, 1))).isEqualTo(Outcome.retry(BuildIntake.PENDING_RETRY));
    assertThat(paused).isEqualTo(BuildIntake.PENDING_RECHECKS);
    assertThat(ran).isEmpty();
    assertThat(builds.find(id).orElseThrow().status()).isEqualTo(BuildStatus.PENDING);
  }

  @Test
  void aBuildQueuedWhileTheDeliveryWaitsIsClaimedWithoutGoingThroughTheQueue() {
    UUID id = builds.create(NewBuild.of("p", "on: push")).id();
    // The relay's commit of QUEUED lands during the second wait.
    onPause =
        () -> {
          if (paused.size() == 2) {
            assertThat(builds.transition(id, BuildStatus.QUEUED, null, null)).isTrue();
          }
        };

    assertThat(intake.handle(delivery(id, 1))).isEqualTo(Outcome.ack());

    assertThat(paused).containsExactly(Duration.ofMillis(1), Duration.ofMillis(2));
    assertThat(ran).containsExactly(id.toString());
    assertThat(builds.find(id).orElseThrow().status()).isEqualTo(BuildStatus.RUNNING);
  }

  @Test
  void aBuildCancelledWhileTheDeliveryWaitsIsDropped() {
    UUID id = builds.create(NewBuild.of("p", "on: push")).id();
    onPause = () -> assertThat(builds.transition(id, BuildStatus.CANCELLED, null, null)).isTrue();

    assertThat(intake.handle(delivery(id, 1))).isEqualTo(Outcome.ack());

    assertThat(paused).hasSize(1);
    assertThat(ran).isEmpty();
  }

  @Test
  void unknownBuildsAreDroppedAndGarbageIsDeadLettered() {
    assertThat(intake.handle(delivery(UUID.randomUUID(), 1))).isEqualTo(Outcome.ack());
    assertThat(intake.handle(delivery("not-a-uuid", 1))).isInstanceOf(Outcome.DeadLetter.class);
    assertThat(ran).isEmpty();
  }

  @Test
  void aTransientStoreFailureIsRetriedThenDeadLetteredAtTheLimit() throws Exception {
    UUID id = queuedBuild();
    // A lock held elsewhere makes the claim fail with lock_not_available, a transient error.
    String impatient = url + "?options=-c%20lock_timeout%3D200";
    try (Database other = Database.open(impatient, "postgres", "");
        var holder = database.dataSource().getConnection()) {
      holder.setAutoCommit(false);
      database
          .dsl()
          .configuration()
          .derive(holder)
          .dsl()
          .selectFrom(BUILDS)
          .where(BUILDS.ID.eq(id))
          .forUpdate()
          .fetch();
      BuildIntake impatientIntake =
          new BuildIntake(
              new BuildRepository(other.dsl()),
              "me",
              Duration.ofSeconds(30),
              3,
              b -> ran.add(b.id().toString()));

      assertThat(impatientIntake.handle(delivery(id, 1))).isInstanceOf(Outcome.Retry.class);
      assertThat(impatientIntake.handle(delivery(id, 3))).isInstanceOf(Outcome.DeadLetter.class);
      holder.rollback();
    }
    assertThat(ran).isEmpty();
  }
}
