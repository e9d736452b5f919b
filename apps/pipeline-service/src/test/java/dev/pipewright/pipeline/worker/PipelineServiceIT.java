package dev.pipewright.pipeline.worker;

import static dev.pipewright.pipeline.worker.WorkerHarness.job;
import static dev.pipewright.store.jooq.Tables.OUTBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.local.LocalJobRunner;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.pipeline.orchestrator.Orchestrator;
import dev.pipewright.pipeline.reconcile.Attempts;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.JobView;
import dev.pipewright.store.LogRepository;
import dev.pipewright.store.StepView;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Workers against the machine's PostgreSQL and RabbitMQ, running jobs as local processes. */
class PipelineServiceIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String CHAIN =
      """
      on: push
      jobs:
        build:
          runs-on: local
          outputs:
            artifact: ${{ steps.pack.outputs.name }}
          steps:
            - run: echo "compiling the-sources"
            - id: pack
              run: echo "name=app.tar" >> "$GITHUB_OUTPUT"
        test:
          needs: build
          runs-on: local
          steps:
            - run: echo "testing ${{ needs.build.outputs.artifact }}"
      """;

  private WorkerHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new WorkerHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private static int occurrences(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void aBuildIsConsumedClaimedAndRunToSuccessWithStatesAndLogs() {
    PipelineService worker = harness.start(harness.config("worker-a"));
    UUID id = harness.createBuild(CHAIN);

    BuildView build = harness.awaitStatus(id, BuildStatus.SUCCEEDED);

    assertThat(build.leaseOwner()).isEqualTo("worker-a");
    assertThat(build.jobs()).extracting(JobView::status).containsOnly(JobStatus.SUCCEEDED);
    assertThat(build.jobs())
        .flatExtracting(JobView::steps)
        .extracting(StepView::status)
        .containsOnly(StepStatus.SUCCEEDED);
    assertThat(job(build, "build").outputs()).containsEntry("artifact", "app.tar");
    String logs = harness.logText(id);
    assertThat(logs).contains("compiling the-sources").contains("testing app.tar");
    assertThat(harness.queue.messageCount(harness.names.buildQueue())).isZero();
    // The loop leaves the running set after the pass that stored the final status returns.
    await().atMost(DEADLINE).until(() -> worker.loops().running().isEmpty());
  }

  @Test
  void aDuplicateDeliveryIsAckedAndDropped() {
    harness.start(harness.config("worker-a"));
    UUID id = harness.createBuild(CHAIN);
    harness.publishAgain(id);

    BuildView build = harness.awaitStatus(id, BuildStatus.SUCCEEDED);
    harness.publishAgain(id);

    await()
        .atMost(DEADLINE)
        .until(() -> harness.queue.messageCount(harness.names.buildQueue()) == 0);
    assertThat(harness.build(id).attempt()).isEqualTo(1);
    assertThat(build.jobs()).extracting(JobView::attempt).containsOnly(1);
    assertThat(occurrences(harness.logText(id), "compiling the-sources")).isEqualTo(1);
    assertThat(harness.queue.messageCount(harness.names.deadLetterQueue())).isZero();
  }

  @Test
  void twoWorkersRunOneBuildExactlyOnce() {
    harness.start(harness.config("worker-a"));
    harness.start(harness.config("worker-b"));
    UUID id = harness.createBuild(CHAIN);
    harness.publishAgain(id);
    harness.publishAgain(id);

    BuildView build = harness.awaitStatus(id, BuildStatus.SUCCEEDED);

    assertThat(build.attempt()).isEqualTo(1);
    assertThat(build.leaseOwner()).isIn("worker-a", "worker-b");
    assertThat(build.jobs()).extracting(JobView::attempt).containsOnly(1);
    assertThat(occurrences(harness.logText(id), "testing app.tar")).isEqualTo(1);
  }

  @Test
  void aFailingStepFailsItsJobSkipsDependentsAndFailsTheBuild() {
    harness.start(harness.config("worker-a"));
    UUID id =
        harness.createBuild(
            """
            on: push
            jobs:
              build:
                runs-on: local
                steps:
                  - run: echo "about to fail"; exit 3
                  - run: echo "never printed"
              test:
                needs: build
                runs-on: local
                steps:
                  - run: echo "never tested"
              notify:
                needs: build
                if: failure()
                runs-on: local
                steps:
                  - run: echo "build broke"
            """);

    BuildView build = harness.awaitStatus(id, BuildStatus.FAILED);

    assertThat(build.errorCode()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(build.errorMessage()).contains("build");
    JobView failed = job(build, "build");
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.steps())
        .extracting(StepView::status)
        .containsExactly(StepStatus.FAILED, StepStatus.SKIPPED);
    assertThat(failed.steps().getFirst().exitCode()).isEqualTo(3);
    assertThat(job(build, "test").status()).isEqualTo(JobStatus.SKIPPED);
    assertThat(job(build, "test").steps())
        .extracting(StepView::status)
        .containsOnly(StepStatus.SKIPPED);
    assertThat(job(build, "notify").status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(harness.logText(id))
        .contains("about to fail", "build broke")
        .doesNotContain("never printed");
  }

  @Test
  void aDynamicMatrixIsExpandedFromANeedsOutput() {
    harness.start(harness.config("worker-a"));
    UUID id =
        harness.createBuild(
            """
            on: push
            jobs:
              setup:
                runs-on: local
                outputs:
                  matrix: ${{ steps.m.outputs.matrix }}
                steps:
                  - id: m
                    run: echo 'matrix={"shard":["a","b","c"]}' >> "$GITHUB_OUTPUT"
              test:
                needs: setup
                runs-on: local
                strategy:
                  matrix: ${{ fromJSON(needs.setup.outputs.matrix) }}
                steps:
                  - run: echo "shard ${{ matrix.shard }} of ${{ strategy.job-total }}"
            """);

    BuildView build = harness.awaitStatus(id, BuildStatus.SUCCEEDED);

    assertThat(build.jobs())
        .extracting(JobView::key)
        .containsExactly("setup", "test.1", "test.2", "test.3");
    assertThat(job(build, "test.2").matrix()).containsEntry("shard", "b");
    assertThat(harness.logText(id)).contains("shard a of 3", "shard b of 3", "shard c of 3");
  }

  @Test
  void anInvalidWorkflowFailsWithInvalidSpecAndIsNotRetried() {
    harness.start(harness.config("worker-a"));
    UUID id =
        harness.createBuild(
            "on: push\njobs:\n  a:\n    needs: ghost\n    runs-on: local\n    steps: [{run: echo}]\n");

    BuildView build = harness.awaitStatus(id, BuildStatus.FAILED);

    assertThat(build.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC);
    assertThat(build.errorMessage()).contains("ghost");
    assertThat(build.jobs()).isEmpty();
    assertThat(harness.logText(id)).startsWith("##[error]").contains("ghost");
    assertThat(harness.queue.messageCount(harness.names.deadLetterQueue())).isZero();
  }

  /**
   * As GitHub's runner does (see KubernetesModeIT's test of the same workflow), the step whose
   * expression cannot be evaluated fails with the error once it is reached.
   */
  @Test
  void aStepWhoseExpressionCannotBeEvaluatedFailsItsJobAndTheBuildWithinSeconds() {
    harness.start(harness.config("worker-a"));
    UUID id =
        harness.createBuild(
            """
            on: push
            jobs:
              build:
                runs-on: local
                steps:
                  - run: echo "before the bad step"
                  - run: echo ${{ fromJSON('not json') }}
                  - run: echo never
            """);

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> harness.build(id).status() == BuildStatus.FAILED);

    BuildView build = harness.build(id);
    assertThat(build.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC);
    JobView job = job(build, "build");
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC);
    assertThat(build.errorMessage()).contains(job.errorMessage());
    assertThat(job.steps())
        .extracting(StepView::status)
        .containsExactly(StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.SKIPPED);
    assertThat(harness.logText(id))
        .contains("before the bad step", "##[error]" + job.steps().get(1).errorMessage())
        .doesNotContain("never");
  }

  /** The steps that run after the cancel ({@code always()}, {@code cancelled()}) are recorded. */
  @Test
  void cancelStopsARunningBuildWithinSecondsRecordingTheStepsThatRunAfterIt() {
    harness.start(harness.config("worker-a"));
    UUID id =
        harness.createBuild(
            """
            on: push
            jobs:
              slow:
                runs-on: local
                steps:
                  - run: echo "started slow"; sleep 60
                  - name: Clean up
                    if: always()
                    run: echo "cleaning up"; exit 3
                  - name: Report
                    if: cancelled()
                    run: echo "reporting the cancel"
                  - run: echo "never"
              after:
                needs: slow
                runs-on: local
                steps:
                  - run: echo after
            """);
    await().atMost(DEADLINE).until(() -> harness.logText(id).contains("started slow"));

    long asked = System.nanoTime();
    harness.builds.requestCancel(id);
    BuildView build = harness.awaitStatus(id, BuildStatus.CANCELLED);

    assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));
    assertThat(build.errorCode()).isEqualTo(ErrorCode.CANCELLED);
    JobView slow = job(build, "slow");
    assertThat(slow.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(slow.errorCode()).isEqualTo(ErrorCode.CANCELLED);
    // The last step's if: (success()) is false under the cancel: Skipped, as StepsRunner.cs
    // completes such a step.
    assertThat(slow.steps())
        .extracting(StepView::status)
        .containsExactly(
            StepStatus.CANCELLED, StepStatus.FAILED, StepStatus.SUCCEEDED, StepStatus.SKIPPED);
    StepView cleanUp = slow.steps().get(1);
    assertThat(cleanUp.exitCode()).isEqualTo(3);
    assertThat(cleanUp.startedAt()).isNotNull();
    assertThat(cleanUp.finishedAt()).isAfterOrEqualTo(cleanUp.startedAt());
    StepView report = slow.steps().get(2);
    assertThat(report.exitCode()).isZero();
    assertThat(report.startedAt()).isNotNull();
    assertThat(slow.steps().get(3).startedAt()).isNull();
    assertThat(harness.logText(id))
        .contains("cleaning up", "reporting the cancel")
        .doesNotContain("never");
    assertThat(job(build, "after").status()).isEqualTo(JobStatus.CANCELLED);
  }

  /**
   * No entry API runs, the harness relays only the first publish and the dead worker took that
   * message: the requeued build can reach the queue only through the lone worker's own relay.
   */
  @Test
  void aBuildWhoseWorkerDiedIsRequeuedAndRunToTheEndByALoneWorkerWithoutAnEntryApi()
      throws Exception {
    UUID id =
        harness.createBuild(
            """
            on: push
            jobs:
              first:
                runs-on: local
                steps:
                  - run: |
                      echo "first attempt ${{ github.run_attempt }}"
                      if [ "${{ github.run_attempt }}" = "1" ]; then sleep 60; fi
              second:
                needs: first
                runs-on: local
                steps:
                  - run: echo "second done"
            """);
    // A worker that claims the build, starts its first job and dies without a word.
    String dead = "dead-worker";
    assertThat(harness.takeAllBuildMessages()).isEqualTo(1);
    assertThat(harness.builds.claim(id, dead, Duration.ofSeconds(1))).isTrue();
    JdbcRunStore deadStore = new JdbcRunStore(harness.database.dsl(), dead);
    JobRunner deadRunner =
        new LocalJobRunner(
            LocalRunnerConfig.defaults(harness.workspaces.resolve("dead")),
            new StoreLogSink(new LogRepository(harness.database.dsl())));
    Orchestrator deadOrchestrator = new Orchestrator(deadStore, deadRunner, 4, new Attempts(3, 3));
    deadOrchestrator.reconcile(id.toString());
    await().atMost(DEADLINE).until(() -> harness.logText(id).contains("first attempt"));
    deadOrchestrator.forgetAll();
    deadRunner.close();

    await().atMost(DEADLINE).until(() -> harness.builds.expiredLeases(10).contains(id));
    assertThat(harness.build(id).status()).isEqualTo(BuildStatus.RUNNING);

    harness.start(harness.config("successor"));
    BuildView build = harness.awaitStatus(id, BuildStatus.SUCCEEDED);

    assertThat(build.attempt()).isEqualTo(2);
    assertThat(job(build, "first").attempt()).isEqualTo(2);
    String logs = harness.logText(id);
    assertThat(logs).contains("first attempt 1", "first attempt 2", "second done");
    assertThat(occurrences(logs, "second done")).isEqualTo(1);
    assertThat(build.leaseOwner()).isEqualTo("successor");
    assertThat(harness.database.dsl().fetchCount(OUTBOX)).isZero();
  }
}
