package dev.pipewright.store;

import static dev.pipewright.store.jooq.Tables.BUILDS;
import static dev.pipewright.store.jooq.Tables.OUTBOX;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdmissionWriterIT {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final BuildRepository builds = new BuildRepository(db.dsl());
  private final AdmissionWriter writer = new AdmissionWriter(builds, 64, 2);

  @AfterEach
  void close() {
    writer.close();
  }

  @Test
  void concurrentCallsWithOneKeyMakeOneBuild() throws Exception {
    String pipeline = "p-" + UUID.randomUUID();
    NewBuild request = NewBuild.of(pipeline, "jobs: {}").withIdempotencyKey("once");

    List<CreatedBuild> results = BuildRepositoryIT.concurrently(20, () -> writer.create(request));

    assertThat(results.stream().map(CreatedBuild::id).distinct()).hasSize(1);
    assertThat(results.stream().filter(r -> !r.existing())).hasSize(1);
    assertThat(db.dsl().fetchCount(BUILDS, BUILDS.PIPELINE_ID.eq(pipeline))).isEqualTo(1);
    assertThat(db.dsl().fetchCount(OUTBOX, OUTBOX.BUILD_ID.eq(results.get(0).id()))).isEqualTo(1);
  }

  @Test
  void concurrentCallsAreNumberedWithoutGapsAndEachGetsItsOwnBuild() throws Exception {
    String a = "p-" + UUID.randomUUID();
    String b = "p-" + UUID.randomUUID();
    AtomicInteger turn = new AtomicInteger();

    List<CreatedBuild> results =
        BuildRepositoryIT.concurrently(
            40, () -> writer.create(NewBuild.of(turn.getAndIncrement() % 2 == 0 ? a : b, "x")));

    assertThat(results.stream().map(CreatedBuild::id).distinct()).hasSize(40);
    Set<Long> expected = LongStream.rangeClosed(1, 20).boxed().collect(Collectors.toSet());
    for (String pipeline : List.of(a, b)) {
      assertThat(
              db.dsl()
                  .select(BUILDS.NUMBER)
                  .from(BUILDS)
                  .where(BUILDS.PIPELINE_ID.eq(pipeline))
                  .fetchSet(BUILDS.NUMBER))
          .isEqualTo(expected);
    }
    assertThat(results)
        .allSatisfy(
            r -> assertThat(builds.find(r.id()).orElseThrow().number()).isEqualTo(r.number()));
  }
}
