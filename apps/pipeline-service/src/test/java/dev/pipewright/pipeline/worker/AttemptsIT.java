package dev.pipewright.pipeline.worker;

import static dev.pipewright.pipeline.worker.WorkerHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.host.process.ProcessHostFactory;
import dev.pipewright.executor.local.LocalJobRunner;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.JobView;
import dev.pipewright.store.StepView;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs of a job recorded as they happened, on the process host against the machine's PostgreSQL and
 * RabbitMQ: a job whose host fails under it (an {@link ErrorCode#INFRASTRUCTURE} error, as a
 * deleted pod gives) runs again as its next attempt within the budget, and steps that run after a
 * cancel are recorded with what they did.
 */
class AttemptsIT {
  private static final String MARKER =
      "##[warning]Attempt 2: the job runs again from its first step";
  private static final String COUNTING =
      """
      on: push
      jobs:
        build:
          runs-on: local
          steps:
            - run: echo "before the count"
            - name: Count
              # A second after line 3, so the failure falls there even on a busy machine.
              run: for i in 1 2 3 4 5 6; do echo "line $i"; if [ $i = 3 ]; then sleep 1; fi; done
        after:
          needs: build
          runs-on: local
          steps:
            - run: echo "after ran"
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

  /** A worker whose hosts fail every job's first attempt once its step printed "line 3". */
  private void startFailingWorker(Map<String, String> env) {
    WorkerConfig config = harness.config("worker-a", env);
    harness.start(
        PipelineService.builder(config)
            .runners(
                sink -> {
                  LocalRunnerConfig local = LocalRunnerConfig.defaults(config.workspaceRoot());
                  return new LocalJobRunner(
                      local,
                      sink,
                      new InfrastructureFailingHosts(
                          new ProcessHostFactory(local.workspaceRoot(), local.inheritedEnv()),
                          "line 3\n"));
                })
            .build());
  }

  @Test
  void aJobWhoseHostFailsMidStepRunsAgainAsAttemptTwoAndTheBuildSucceeds() {
    startFailingWorker(Map.of());
    UUID id = harness.createBuild(COUNTING);

    BuildView build = harness.awaitStatus(id, BuildStatus.SUCCEEDED);

    JobView counted = job(build, "build");
    assertThat(counted.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(counted.attempt()).isEqualTo(2);
    assertThat(counted.errorCode()).isNull();
    assertThat(counted.steps()).extracting(StepView::status).containsOnly(StepStatus.SUCCEEDED);
    assertThat(counted.steps()).extracting(StepView::exitCode).containsOnly(0);
    assertThat(counted.steps()).extracting(StepView::attempt).containsOnly(2);
    assertThat(job(build, "after").status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(job(build, "after").steps()).extracting(StepView::attempt).containsOnly(1);

    String logs = harness.logText(id);
    assertThat(logs).containsOnlyOnce(MARKER);
    String first = logs.substring(0, logs.indexOf(MARKER));
    String second = logs.substring(logs.indexOf(MARKER));
    // Attempt 1 got as far as the failure; attempt 2 ran every line once, after the marker.
    assertThat(first).contains("before the count", "line 3").doesNotContain("line 6");
    assertThat(second).containsOnlyOnce("before the count");
    for (int i = 1; i <= 6; i++) {
      assertThat(second).as("line " + i).containsOnlyOnce("line " + i + "\n");
    }
    assertThat(logs).containsOnlyOnce("after ran");
  }

  @Test
  void withoutRetriesTheJobFailsWithTheInfrastructureErrorAndItsDependantsAreSkipped() {
    startFailingWorker(Map.of("PIPEWRIGHT_WORKER_INFRASTRUCTURE_RETRIES", "0"));
    UUID id = harness.createBuild(COUNTING);

    BuildView build = harness.awaitStatus(id, BuildStatus.FAILED);

    assertThat(build.errorCode()).isEqualTo(ErrorCode.INFRASTRUCTURE);
    JobView counted = job(build, "build");
    assertThat(counted.status()).isEqualTo(JobStatus.FAILED);
    assertThat(counted.errorCode()).isEqualTo(ErrorCode.INFRASTRUCTURE);
    assertThat(counted.errorMessage()).isEqualTo(InfrastructureFailingHosts.MESSAGE);
    assertThat(counted.attempt()).isEqualTo(1);
    assertThat(job(build, "after").status()).isEqualTo(JobStatus.SKIPPED);
    assertThat(harness.logText(id)).doesNotContain("Attempt 2").doesNotContain("after ran");
  }
}
