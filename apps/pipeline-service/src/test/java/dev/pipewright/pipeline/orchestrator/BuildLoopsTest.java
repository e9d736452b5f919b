package dev.pipewright.pipeline.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.JobStatus;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BuildLoopsTest {
  private static final String ONE_JOB =
      """
      on: push
      jobs:
        only:
          runs-on: ubuntu-latest
          steps:
            - run: echo hi
      """;

  private final InMemoryRunStore store = new InMemoryRunStore();
  private final ScriptedRunner runner = new ScriptedRunner();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Orchestrator orchestrator =
      new Orchestrator(store, runner, 4, 3, new PipewrightMetrics(registry));
  // A tick far longer than the test: every pass here is one that was asked for.
  private final BuildLoops loops =
      new BuildLoops(orchestrator, Duration.ofMinutes(10), id -> true, Duration.ofMinutes(10));

  @AfterEach
  void close() {
    loops.close();
  }

  private void addBuild(String id) {
    store.addBuild(
        new BuildRecord(
            id, 1, BuildStatus.RUNNING, ONE_JOB, "ci.yml", null, Map.of(), Map.of(), false));
  }

  private long passes() {
    return registry.get("pipewright.reconcile.duration").timer().count();
  }

  @Test
  void anAskedForPassRunsOnTheLoopAndReportsTheStatusAfterIt() throws Exception {
    addBuild("b");
    CompletableFuture<BuildStatus> done = loops.run("b");
    await().atMost(Duration.ofSeconds(10)).until(() -> runner.started.contains("only#1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> passes() >= 1);
    long before = passes();

    assertThat(loops.pass("b").get(10, TimeUnit.SECONDS)).isEqualTo(BuildStatus.RUNNING);
    assertThat(passes()).isGreaterThan(before);
    assertThat(orchestrator.activeJobs()).isEqualTo(1);

    runner.finish("only", JobStatus.SUCCEEDED, Map.of());
    assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(BuildStatus.SUCCEEDED);
    assertThat(orchestrator.activeJobs()).isZero();
  }

  @Test
  void noPassIsOfferedForABuildThatIsNotDrivenHere() {
    addBuild("b");

    assertThat(loops.pass("b")).isNull();
    assertThat(loops.drives("b")).isFalse();
  }
}
