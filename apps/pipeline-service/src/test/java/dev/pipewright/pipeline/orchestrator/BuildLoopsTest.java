package dev.pipewright.pipeline.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.LogChunk;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.pipeline.reconcile.Attempts;
import dev.pipewright.pipeline.reconcile.InstanceState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
      new Orchestrator(store, runner, 4, new Attempts(3, 3), new PipewrightMetrics(registry));
  // A tick far longer than the test: every pass here is one that was asked for.
  private final BuildLoops loops =
      new BuildLoops(orchestrator, Duration.ofMinutes(10), id -> true, Duration.ofMinutes(10));

  @AfterEach
  void close() {
    loops.close();
  }

  private void addBuild(String id) {
    addBuild(id, ONE_JOB);
  }

  private void addBuild(String id, String yaml) {
    store.addBuild(
        new BuildRecord(
            id,
            1,
            BuildStatus.RUNNING,
            yaml,
            "ci.yml",
            null,
            Map.of(),
            Map.of("TOKEN", "s3cr3t"),
            false));
  }

  private String buildLog(String id) {
    return store.logs(id).stream()
        .filter(c -> c.jobKey().isEmpty())
        .map(LogChunk::content)
        .collect(Collectors.joining());
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
  void aWorkflowThatCannotBeLoadedFailsTheBuildWithInvalidSpecInItsFirstPass() throws Exception {
    addBuild(
        "b", "on: push\njobs:\n  a:\n    needs: nope\n    runs-on: x\n    steps: [{run: x}]\n");

    assertThat(loops.run("b").get(10, TimeUnit.SECONDS)).isEqualTo(BuildStatus.FAILED);
    assertThat(store.errorCode("b")).isEqualTo(ErrorCode.INVALID_SPEC);
    assertThat(store.errorMessage("b")).contains("nope");
    assertThat(buildLog("b")).startsWith("##[error]").contains("nope");
    assertThat(store.jobs("b")).isEmpty();
  }

  @Test
  void aTransientPassFailureIsRetriedAfterTheBackoff() throws Exception {
    addBuild("b");
    CompletableFuture<BuildStatus> done = loops.run("b");
    await().atMost(Duration.ofSeconds(10)).until(() -> runner.started.contains("only#1"));
    synchronized (runner) {
      runner.statusFailures.add(new CiException(ErrorCode.TRANSIENT, "database away"));
    }

    assertThat(loops.pass("b").get(10, TimeUnit.SECONDS)).isEqualTo(BuildStatus.RUNNING);
    assertThat(loops.pass("b").get(10, TimeUnit.SECONDS)).isEqualTo(BuildStatus.RUNNING);
    assertThat(runner.statusFailures).isEmpty();
    runner.finish("only", JobStatus.SUCCEEDED, Map.of());
    assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(BuildStatus.SUCCEEDED);
  }

  @Test
  void aPassFailingForGoodFailsTheBuildWithItsMessageAndCancelsItsJobs() throws Exception {
    addBuild("b");
    CompletableFuture<BuildStatus> done = loops.run("b");
    await().atMost(Duration.ofSeconds(10)).until(() -> runner.started.contains("only#1"));
    synchronized (runner) {
      runner.statusFailures.add(new IllegalStateException("a bug near s3cr3t"));
    }

    assertThat(loops.pass("b").get(10, TimeUnit.SECONDS)).isEqualTo(BuildStatus.FAILED);
    assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(BuildStatus.FAILED);
    assertThat(store.errorCode("b")).isEqualTo(ErrorCode.PERMANENT);
    assertThat(store.errorMessage("b")).isEqualTo("a bug near ***");
    assertThat(buildLog("b")).isEqualTo("##[error]a bug near ***\n");
    assertThat(store.jobs("b")).extracting(InstanceState::status).containsOnly(JobStatus.CANCELLED);
    assertThat(loops.drives("b")).isFalse();
  }

  @Test
  void noPassIsOfferedForABuildThatIsNotDrivenHere() {
    addBuild("b");

    assertThat(loops.pass("b")).isNull();
    assertThat(loops.drives("b")).isFalse();
  }
}
