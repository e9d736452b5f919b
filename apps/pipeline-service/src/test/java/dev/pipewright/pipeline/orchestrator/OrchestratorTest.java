package dev.pipewright.pipeline.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.Conclusion;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.pipeline.reconcile.Attempts;
import dev.pipewright.pipeline.reconcile.InstanceState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrchestratorTest {
  private static final String WORKFLOW =
      """
      on: push
      jobs:
        setup:
          runs-on: ubuntu-latest
          outputs:
            matrix: ${{ steps.m.outputs.matrix }}
          steps:
            - id: m
              run: echo "matrix={\\"n\\":[1,2]}" >> $GITHUB_OUTPUT
        test:
          needs: setup
          runs-on: ubuntu-latest
          strategy:
            matrix: ${{ fromJSON(needs.setup.outputs.matrix) }}
          steps:
            - run: echo ${{ matrix.n }}
            - run: echo second
        deploy:
          needs: test
          if: github.ref == 'refs/heads/main'
          runs-on: ubuntu-latest
          steps:
            - run: echo deploy
        report:
          needs: test
          if: failure()
          runs-on: ubuntu-latest
          steps:
            - run: echo report
      """;

  private final InMemoryRunStore store = new InMemoryRunStore();
  private final ScriptedRunner runner = new ScriptedRunner();
  private final Orchestrator orchestrator = new Orchestrator(store, runner, 4, new Attempts(3, 3));

  private void addBuild(String id, String yaml) {
    store.addBuild(
        new BuildRecord(
            id,
            7,
            BuildStatus.RUNNING,
            yaml,
            ".github/workflows/ci.yml",
            new dev.pipewright.executor.RepositoryRef(null, "o/r", "refs/heads/main", "abc"),
            Map.of(),
            Map.of(),
            false));
  }

  private JobStatus job(String key) {
    return store.jobs("b").stream()
        .filter(r -> r.key().equals(key))
        .findFirst()
        .orElseThrow()
        .status();
  }

  @Test
  void runsADynamicMatrixWithOutputsAndJobConditionsToSuccess() {
    addBuild("b", WORKFLOW);

    assertThat(orchestrator.reconcile("b")).isEqualTo(BuildStatus.RUNNING);
    assertThat(runner.started).containsExactly("setup#1");
    assertThat(store.jobs("b"))
        .extracting(InstanceState::key)
        .containsExactly("setup", "test", "deploy", "report");

    runner.finish("setup", JobStatus.SUCCEEDED, Map.of("matrix", "{\"n\":[1,2]}"));
    orchestrator.reconcile("b");
    assertThat(store.jobs("b"))
        .extracting(InstanceState::key)
        .containsExactly("setup", "test.1", "test.2", "deploy", "report");
    orchestrator.reconcile("b");
    assertThat(runner.started).containsExactly("setup#1", "test.1#1", "test.2#1");
    assertThat(runner.runs.get("test.2").matrix()).containsEntry("n", 2.0);
    assertThat(runner.runs.get("test.1").needs().get("setup").outputs()).containsKey("matrix");

    runner.finish("test.1", JobStatus.SUCCEEDED, Map.of());
    runner.finish("test.2", JobStatus.SUCCEEDED, Map.of());
    orchestrator.reconcile("b");
    assertThat(job("deploy")).isEqualTo(JobStatus.QUEUED);
    assertThat(job("report")).isEqualTo(JobStatus.SKIPPED);
    assertThat(store.steps("b", "report"))
        .extracting(InMemoryRunStore.StepRow::status)
        .containsOnly(StepStatus.SKIPPED);

    runner.finish("deploy", JobStatus.SUCCEEDED, Map.of());
    assertThat(orchestrator.reconcile("b")).isEqualTo(BuildStatus.SUCCEEDED);
    assertThat(store.steps("b", "test.1"))
        .extracting(InMemoryRunStore.StepRow::status)
        .containsOnly(StepStatus.SUCCEEDED);
    assertThat(orchestrator.reconcile("b")).isEqualTo(BuildStatus.SUCCEEDED);
  }

  @Test
  void aFailedStepFailsItsJobSkipsDependentsAndFailsTheBuild() {
    addBuild(
        "b",
        """
        on: push
        jobs:
          build:
            runs-on: x
            steps: [{run: exit 3}]
          test:
            needs: build
            runs-on: x
            steps: [{run: echo hi}]
        """);
    orchestrator.reconcile("b");
    runner.finish("build", JobStatus.FAILED, Map.of());

    assertThat(orchestrator.reconcile("b")).isEqualTo(BuildStatus.FAILED);
    assertThat(job("test")).isEqualTo(JobStatus.SKIPPED);
    assertThat(store.errorCode("b")).isEqualTo(ErrorCode.PERMANENT);
    assertThat(store.errorMessage("b")).contains("job build failed");
  }

  @Test
  void anInvalidWorkflowFailsItsPassWithInvalidSpecForTheLoopToFailTheBuild() {
    addBuild(
        "b", "on: push\njobs:\n  a:\n    needs: nope\n    runs-on: x\n    steps: [{run: x}]\n");

    assertThatThrownBy(() -> orchestrator.reconcile("b"))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC));
    assertThat(orchestrator.fail("b", ErrorCode.INVALID_SPEC, "needs nope"))
        .isEqualTo(BuildStatus.FAILED);
    assertThat(store.errorCode("b")).isEqualTo(ErrorCode.INVALID_SPEC);
    assertThat(store.jobs("b")).isEmpty();
  }

  private static final String TWO_STEPS =
      """
      on: push
      jobs:
        a:
          runs-on: x
          steps: [{run: echo one}, {run: echo two}]
      """;

  @Test
  void aJobTheRunnerRefusesForGoodFailsWithItsErrorAndTheBuildWithIt() {
    addBuild("b", TWO_STEPS);
    runner.refusals.put("a", new CiException(ErrorCode.INVALID_SPEC, "jobs.a.env.X: bad"));

    orchestrator.reconcile("b");

    assertThat(job("a")).isEqualTo(JobStatus.FAILED);
    assertThat(store.steps("b", "a"))
        .extracting(InMemoryRunStore.StepRow::status)
        .containsOnly(StepStatus.SKIPPED);
    assertThat(store.logs("b"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.jobKey()).isEqualTo("a");
              assertThat(c.stepNumber()).isZero();
              assertThat(c.content()).isEqualTo("##[error]jobs.a.env.X: bad\n");
            });
    assertThat(orchestrator.reconcile("b")).isEqualTo(BuildStatus.FAILED);
    assertThat(store.errorCode("b")).isEqualTo(ErrorCode.INVALID_SPEC);
    assertThat(store.errorMessage("b")).isEqualTo("job a failed: jobs.a.env.X: bad");
  }

  @Test
  void aJobTheRunnerRefusesForNowIsStartedAgainAsALostOne() {
    addBuild("b", TWO_STEPS);
    runner.refusals.put("a", new CiException(ErrorCode.TRANSIENT, "runner busy"));

    orchestrator.reconcile("b");
    assertThat(job("a")).isEqualTo(JobStatus.QUEUED);
    runner.refusals.clear();
    orchestrator.reconcile("b");

    assertThat(runner.started).containsExactly("a#2");
    assertThat(store.jobs("b").getFirst().attempt()).isEqualTo(2);
  }

  @Test
  void aJobASuccessorCannotAttachToFailsWithTheRunnersErrorUnlessItMayPass() {
    addBuild("b", TWO_STEPS);
    orchestrator.reconcile("b");
    runner.forgetAll();
    Orchestrator successor = new Orchestrator(store, runner, 4, new Attempts(3, 3));

    runner.refusals.put("a", new CiException(ErrorCode.TRANSIENT, "API server away"));
    assertThatThrownBy(() -> successor.reconcile("b")).hasMessage("API server away");
    assertThat(job("a")).isEqualTo(JobStatus.QUEUED);

    runner.refusals.put("a", new CiException(ErrorCode.INVALID_SPEC, "cannot plan a"));
    assertThat(successor.reconcile("b")).isEqualTo(BuildStatus.FAILED);
    assertThat(store.errorCode("b")).isEqualTo(ErrorCode.INVALID_SPEC);
    assertThat(store.errorMessage("b")).isEqualTo("job a failed: cannot plan a");
  }

  @Test
  void cancelStopsRunningJobsAndCancelsTheRest() {
    addBuild("b", WORKFLOW);
    orchestrator.reconcile("b");
    store.requestCancel("b");

    // The running job's row stays open until its runner reports how it ended.
    assertThat(orchestrator.reconcile("b")).isEqualTo(BuildStatus.RUNNING);
    assertThat(runner.cancelled).containsExactly("setup");
    assertThat(job("setup")).isEqualTo(JobStatus.QUEUED);
    assertThat(orchestrator.reconcile("b")).isEqualTo(BuildStatus.CANCELLED);
    assertThat(store.jobs("b")).extracting(InstanceState::status).containsOnly(JobStatus.CANCELLED);
    assertThat(store.steps("b", "setup"))
        .extracting(InMemoryRunStore.StepRow::status)
        .containsOnly(StepStatus.CANCELLED);
  }

  @Test
  void aJobWhoseHostFailedUnderItIsNeverStoredFailedAndRunsAgain() {
    addBuild("b", TWO_STEPS);
    orchestrator.reconcile("b");

    runner.failUnder("a", ErrorCode.INFRASTRUCTURE, "pod deleted");

    assertThat(job("a")).isEqualTo(JobStatus.RUNNING);
    assertThat(orchestrator.reconcile("b")).isEqualTo(BuildStatus.RUNNING);
    assertThat(runner.started).containsExactly("a#1", "a#2");
    assertThat(store.jobs("b").getFirst().attempt()).isEqualTo(2);
    assertThat(job("a")).isEqualTo(JobStatus.QUEUED);
    runner.finish("a", JobStatus.SUCCEEDED, Map.of());
    assertThat(orchestrator.reconcile("b")).isEqualTo(BuildStatus.SUCCEEDED);
  }

  @Test
  void aJobWhoseHostFailedUnderItOnItsLastAttemptFailsWithTheInfrastructureError() {
    Orchestrator noRetries = new Orchestrator(store, runner, 4, Attempts.of(3, 0));
    addBuild("b", TWO_STEPS);
    noRetries.reconcile("b");

    runner.failUnder("a", ErrorCode.INFRASTRUCTURE, "pod deleted");

    assertThat(job("a")).isEqualTo(JobStatus.FAILED);
    assertThat(noRetries.reconcile("b")).isEqualTo(BuildStatus.FAILED);
    assertThat(runner.started).containsExactly("a#1");
    assertThat(store.errorCode("b")).isEqualTo(ErrorCode.INFRASTRUCTURE);
    assertThat(store.errorMessage("b")).isEqualTo("job a failed: pod deleted");
  }

  @Test
  void aSuccessorRerunsJobsLostWithTheirWorker() {
    addBuild("b", WORKFLOW);
    orchestrator.reconcile("b");
    runner.forgetAll();
    Orchestrator successor = new Orchestrator(store, runner, 4, new Attempts(3, 3));

    successor.reconcile("b");

    assertThat(runner.started).containsExactly("setup#1", "setup#2");
    assertThat(store.jobs("b").getFirst().attempt()).isEqualTo(2);
    successor.reconcile("b");
    assertThat(runner.started).hasSize(2);
  }

  @Test
  void aNeedExcusedByContinueOnErrorReadsSuccessWhenStartedAndWhenAttachedAgain() {
    addBuild(
        "b",
        """
        on: push
        jobs:
          flaky:
            continue-on-error: true
            runs-on: x
            steps: [{run: exit 1}]
          after:
            needs: flaky
            runs-on: x
            steps:
              - run: echo ${{ needs.flaky.result }}
        """);
    orchestrator.reconcile("b");
    runner.finish("flaky", JobStatus.FAILED, Map.of());
    orchestrator.reconcile("b");
    assertThat(runner.runs.get("after").needs().get("flaky").result())
        .isEqualTo(Conclusion.SUCCESS);
    runner.forgetAll();

    new Orchestrator(store, runner, 4, new Attempts(3, 3)).reconcile("b");

    // The same rule when a successor re-binds the job as when it was first started.
    assertThat(runner.attached.get("after").needs().get("flaky").result())
        .isEqualTo(Conclusion.SUCCESS);
  }

  @Test
  void reconcilingTwiceChangesNothing() {
    addBuild("b", WORKFLOW);
    orchestrator.reconcile("b");
    List<InstanceState> before = store.jobs("b");

    orchestrator.reconcile("b");

    assertThat(store.jobs("b")).isEqualTo(before);
    assertThat(runner.started).containsExactly("setup#1");
  }
}
