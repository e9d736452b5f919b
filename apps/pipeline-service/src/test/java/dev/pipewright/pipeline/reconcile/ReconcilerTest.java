package dev.pipewright.pipeline.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.dag.Gate;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.Conclusion;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcilerTest {

  private static JobNode job(String id, String ifCondition, String... needs) {
    return new JobNode(id, List.of(needs), ifCondition, null, true, null, false);
  }

  private static List<String> started(List<Action> actions) {
    return actions.stream()
        .filter(Action.Start.class::isInstance)
        .map(a -> ((Action.Start) a).key())
        .toList();
  }

  @Test
  void chainRunsOneJobAfterTheOther() {
    Sim sim = new Sim(JobNode.simple("a"), JobNode.simple("b", "a"), JobNode.simple("c", "b"));

    assertThat(started(sim.step())).containsExactly("a");
    assertThat(sim.step()).isEmpty();
    sim.runner("a", JobStatus.RUNNING);
    assertThat(sim.step())
        .containsExactly(new Action.Record("a", JobStatus.RUNNING, null, null, Map.of()));
    sim.runner("a", JobStatus.SUCCEEDED);
    assertThat(started(sim.step())).containsExactly("b");
    sim.runner("b", JobStatus.SUCCEEDED);
    assertThat(started(sim.step())).containsExactly("c");
    sim.runner("c", JobStatus.SUCCEEDED);

    assertThat(sim.step()).endsWith(new Action.FinishBuild(BuildStatus.SUCCEEDED, null, null));
    assertThat(sim.status).isEqualTo(BuildStatus.SUCCEEDED);
    assertThat(sim.step()).isEmpty();
  }

  @Test
  void diamondJoinsOnlyWhenBothBranchesFinished() {
    Sim sim =
        new Sim(
            JobNode.simple("top"),
            JobNode.simple("left", "top"),
            JobNode.simple("right", "top"),
            JobNode.simple("bottom", "left", "right"));
    sim.step();
    sim.runner("top", JobStatus.SUCCEEDED);
    assertThat(started(sim.step())).containsExactly("left", "right");
    sim.runner("left", JobStatus.SUCCEEDED);
    assertThat(started(sim.step())).isEmpty();
    sim.runner("right", JobStatus.SUCCEEDED);
    assertThat(started(sim.step())).containsExactly("bottom");
  }

  @Test
  void independentJobsStartTogetherWithinTheParallelismLimit() {
    Sim sim = new Sim(JobNode.simple("a"), JobNode.simple("b"), JobNode.simple("c"));
    sim.parallelism = 2;

    assertThat(started(sim.step())).containsExactly("a", "b");
    assertThat(sim.step()).isEmpty();
    sim.runner("b", JobStatus.SUCCEEDED);
    assertThat(started(sim.step())).containsExactly("c");
  }

  @Test
  void failureSkipsDependentsTransitivelyAndFailsTheBuildWithItsCode() {
    Sim sim =
        new Sim(
            JobNode.simple("build"),
            JobNode.simple("test", "build"),
            JobNode.simple("deploy", "test"),
            JobNode.simple("lint"));
    sim.step();
    sim.runner("lint", JobStatus.SUCCEEDED);
    sim.runner("build", JobStatus.FAILED, ErrorCode.TIMEOUT, Map.of());

    List<Action> actions = sim.step();

    assertThat(actions)
        .contains(
            new Action.Skip("test", "needs not successful: build"),
            new Action.Skip("deploy", "needs not successful: test"));
    assertThat(sim.statusOf("deploy")).isEqualTo(JobStatus.SKIPPED);
    assertThat(sim.finished)
        .isEqualTo(
            new Action.FinishBuild(
                BuildStatus.FAILED, ErrorCode.TIMEOUT, "job build failed: exit 1"));
  }

  @Test
  void theFirstFailureNamesTheBuildError() {
    Sim sim = new Sim(JobNode.simple("a"), JobNode.simple("b"), JobNode.simple("c"));
    sim.step();
    sim.runner("b", JobStatus.FAILED, ErrorCode.PERMANENT, Map.of());
    sim.step();
    sim.runner("a", JobStatus.FAILED, ErrorCode.TIMEOUT, Map.of());
    sim.runner("c", JobStatus.SUCCEEDED);
    sim.step();

    assertThat(sim.finished.errorCode()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(sim.finished.message()).contains("job b failed");
  }

  @Test
  void alwaysAndFailureConditionsRunAfterAFailure() {
    Sim sim =
        new Sim(
            JobNode.simple("build"),
            JobNode.simple("test", "build"),
            job("report", "always()", "test"),
            job("notify", "failure()", "test"),
            job("celebrate", "success()", "test"),
            job("guarded", "!cancelled()", "test"));
    sim.step();
    sim.runner("build", JobStatus.FAILED, ErrorCode.PERMANENT, Map.of());

    List<Action> actions = sim.step();

    // failure() looks at every ancestor: test was only skipped, build failed.
    assertThat(started(actions)).containsExactly("report", "notify", "guarded");
    assertThat(sim.statusOf("celebrate")).isEqualTo(JobStatus.SKIPPED);
    sim.runner("report", JobStatus.SUCCEEDED);
    sim.runner("notify", JobStatus.SUCCEEDED);
    sim.runner("guarded", JobStatus.SUCCEEDED);
    sim.step();
    assertThat(sim.finished.status()).isEqualTo(BuildStatus.FAILED);
  }

  @Test
  void anIfWithoutStatusFunctionImpliesSuccess() {
    Sim sim =
        new Sim(
            JobNode.simple("build"),
            job("deploy", "needs.build.outputs.deploy == 'yes'", "build"),
            job("never", "false"));
    sim.step();
    sim.runner("build", JobStatus.SUCCEEDED, null, Map.of("deploy", "yes"));

    assertThat(started(sim.step())).containsExactly("deploy");
    assertThat(sim.statusOf("never")).isEqualTo(JobStatus.SKIPPED);
    sim.runner("deploy", JobStatus.SUCCEEDED);
    sim.step();
    // A job skipped by its own if: does not fail the build.
    assertThat(sim.finished.status()).isEqualTo(BuildStatus.SUCCEEDED);
  }

  @Test
  void anIfIsNotEvaluatedAfterAFailedNeedUnlessItCallsAStatusFunction() {
    Sim sim =
        new Sim(
            JobNode.simple("build"), job("deploy", "needs.build.outputs.deploy == 'yes'", "build"));
    sim.step();
    sim.runner("build", JobStatus.FAILED, ErrorCode.PERMANENT, Map.of("deploy", "yes"));

    sim.step();

    assertThat(sim.statusOf("deploy")).isEqualTo(JobStatus.SKIPPED);
  }

  @Test
  void aSkippedNeedSkipsItsDependentsWithoutFailingTheBuild() {
    Sim sim = new Sim(job("a", "false"), JobNode.simple("b", "a"), job("c", "always()", "b"));

    List<Action> actions = sim.step();

    assertThat(actions).contains(new Action.Skip("b", "needs not successful: a"));
    assertThat(started(actions)).containsExactly("c");
    sim.runner("c", JobStatus.SUCCEEDED);
    sim.step();
    assertThat(sim.finished.status()).isEqualTo(BuildStatus.SUCCEEDED);
  }

  @Test
  void continueOnErrorKeepsTheBuildGreenAndLetsDependentsRun() {
    Sim sim =
        new Sim(
            new JobNode("flaky", List.of(), null, "true", true, null, false),
            JobNode.simple("after", "flaky"));
    sim.step();
    sim.runner("flaky", JobStatus.FAILED, ErrorCode.PERMANENT, Map.of());

    assertThat(started(sim.step())).containsExactly("after");
    assertThat(sim.statusOf("flaky")).isEqualTo(JobStatus.FAILED);
    sim.runner("after", JobStatus.SUCCEEDED);
    sim.step();
    assertThat(sim.finished.status()).isEqualTo(BuildStatus.SUCCEEDED);
  }

  @Test
  void continueOnErrorPerMatrixCellIsEvaluatedWithItsMatrix() {
    Sim sim =
        new Sim(new JobNode("test", List.of(), null, "matrix.experimental", true, null, false))
            .matrix("test", List.of(Map.of("experimental", true), Map.of("experimental", false)));
    sim.step();
    sim.runner("test.1", JobStatus.FAILED, ErrorCode.PERMANENT, Map.of());

    assertThat(sim.step()).noneMatch(Action.Cancel.class::isInstance);
    sim.runner("test.2", JobStatus.FAILED, ErrorCode.TIMEOUT, Map.of());
    sim.step();
    assertThat(sim.finished)
        .isEqualTo(
            new Action.FinishBuild(
                BuildStatus.FAILED, ErrorCode.TIMEOUT, "job test.2 failed: exit 1"));
  }

  @Test
  void failFastCancelsUnfinishedSiblingsButNotOtherJobs() {
    Sim sim =
        new Sim(JobNode.simple("test"), JobNode.simple("other"))
            .matrix("test", List.of(Map.of("os", "a"), Map.of("os", "b"), Map.of("os", "c")));
    sim.parallelism = 3;
    assertThat(started(sim.step())).containsExactly("test.1", "test.2", "test.3");
    sim.runner("test.1", JobStatus.SUCCEEDED);
    sim.runner("test.2", JobStatus.FAILED, ErrorCode.PERMANENT, Map.of());

    List<Action> actions = sim.step();

    assertThat(actions).contains(new Action.Cancel("test.3", true, "fail-fast: test.2 failed"));
    assertThat(sim.statusOf("test.1")).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(started(actions)).containsExactly("other");
    assertThat(sim.statusOf("other")).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void withoutFailFastSiblingsKeepRunning() {
    Sim sim =
        new Sim(new JobNode("test", List.of(), null, null, false, null, false))
            .matrix("test", List.of(Map.of("n", 1L), Map.of("n", 2L)));
    sim.step();
    sim.runner("test.1", JobStatus.FAILED, ErrorCode.PERMANENT, Map.of());

    assertThat(sim.step()).noneMatch(Action.Cancel.class::isInstance);
    assertThat(sim.statusOf("test.2")).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void maxParallelBoundsTheActiveCellsOfAMatrixJob() {
    Sim sim =
        new Sim(new JobNode("test", List.of(), null, null, true, 2, false), JobNode.simple("solo"))
            .matrix("test", List.of(Map.of("n", 1L), Map.of("n", 2L), Map.of("n", 3L)));

    assertThat(started(sim.step())).containsExactly("test.1", "test.2", "solo");
    sim.runner("test.2", JobStatus.SUCCEEDED);
    assertThat(started(sim.step())).containsExactly("test.3");
  }

  @Test
  void cancelStopsActiveJobsCancelsTheRestAndFinishesCancelled() {
    Sim sim = new Sim(JobNode.simple("a"), JobNode.simple("b", "a"), job("c", "always()", "b"));
    sim.step();
    sim.runner("a", JobStatus.RUNNING);
    sim.step();
    sim.cancelRequested = true;

    List<Action> actions = sim.step();

    assertThat(actions)
        .containsExactly(
            new Action.Cancel("a", true, "build cancelled"),
            new Action.Cancel("b", false, "build cancelled"),
            new Action.Cancel("c", false, "build cancelled"));
    // a's row stays open until its runner reports how it ended (its cleanup steps may run).
    assertThat(sim.statusOf("a")).isEqualTo(JobStatus.RUNNING);
    assertThat(sim.step())
        .containsExactly(
            new Action.Record("a", JobStatus.CANCELLED, null, null, Map.of()),
            new Action.FinishBuild(BuildStatus.CANCELLED, ErrorCode.CANCELLED, "build cancelled"));
    assertThat(sim.step()).isEmpty();
  }

  @Test
  void aCancelledJobStillRunningIsToldAgainAndTheBuildWaitsForIt() {
    Sim sim = new Sim(JobNode.simple("a"));
    sim.step();
    sim.runner("a", JobStatus.RUNNING);
    sim.step();
    sim.cancelRequested = true;
    sim.step();
    // The runner has not stopped it yet: it runs an always() step.
    sim.runner("a", JobStatus.RUNNING);

    assertThat(sim.step()).containsExactly(new Action.Cancel("a", true, "build cancelled"));
    assertThat(sim.finished).isNull();

    sim.runner("a", JobStatus.SUCCEEDED);
    sim.step();
    assertThat(sim.statusOf("a")).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(sim.finished.status()).isEqualTo(BuildStatus.CANCELLED);
  }

  @Test
  void aCancelledJobLostWithItsWorkerIsClosedAtOnce() {
    Sim sim = new Sim(JobNode.simple("a"));
    sim.step();
    sim.runner("a", JobStatus.RUNNING);
    sim.step();
    sim.cancelRequested = true;
    sim.runner.clear();

    assertThat(sim.step())
        .containsExactly(
            new Action.Cancel("a", false, "build cancelled"),
            new Action.FinishBuild(BuildStatus.CANCELLED, ErrorCode.CANCELLED, "build cancelled"));
  }

  @Test
  void anInfrastructureFailureRunsTheJobAgainWithoutRecordingIt() {
    Sim sim = new Sim(JobNode.simple("a"), JobNode.simple("b", "a"));
    sim.step();
    sim.runner("a", JobStatus.FAILED, ErrorCode.INFRASTRUCTURE, Map.of());

    assertThat(sim.step()).containsExactly(new Action.Restart("a", 2, Map.of()));
    assertThat(sim.statusOf("a")).isEqualTo(JobStatus.QUEUED);
    assertThat(sim.statusOf("b")).isEqualTo(JobStatus.PENDING);

    sim.runner("a", JobStatus.SUCCEEDED);
    sim.step();
    assertThat(sim.rows.get("a").attempt()).isEqualTo(2);
    assertThat(sim.statusOf("b")).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void anInfrastructureFailureOnTheLastAttemptFailsTheJobWithIt() {
    Sim sim = new Sim(JobNode.simple("a"), JobNode.simple("b", "a"));
    sim.attempts = Attempts.of(3, 1);
    sim.step();
    sim.runner("a", JobStatus.FAILED, ErrorCode.INFRASTRUCTURE, Map.of());
    sim.step();
    sim.runner("a", JobStatus.FAILED, ErrorCode.INFRASTRUCTURE, Map.of());

    List<Action> actions = sim.step();

    assertThat(actions)
        .contains(
            new Action.Record("a", JobStatus.FAILED, ErrorCode.INFRASTRUCTURE, "exit 1", Map.of()));
    assertThat(sim.rows.get("a").attempt()).isEqualTo(2);
    assertThat(sim.statusOf("b")).isEqualTo(JobStatus.SKIPPED);
    assertThat(sim.finished)
        .isEqualTo(
            new Action.FinishBuild(
                BuildStatus.FAILED, ErrorCode.INFRASTRUCTURE, "job a failed: exit 1"));
  }

  @Test
  void withoutInfrastructureRetriesTheFirstFailureIsTheResult() {
    Sim sim = new Sim(JobNode.simple("a"));
    sim.attempts = Attempts.of(3, 0);
    sim.step();
    sim.runner("a", JobStatus.FAILED, ErrorCode.INFRASTRUCTURE, Map.of());

    sim.step();

    assertThat(sim.statusOf("a")).isEqualTo(JobStatus.FAILED);
    assertThat(sim.finished.errorCode()).isEqualTo(ErrorCode.INFRASTRUCTURE);
  }

  @Test
  void onlyAnInfrastructureFailureRunsAJobAgain() {
    for (ErrorCode code : ErrorCode.values()) {
      Sim sim = new Sim(JobNode.simple("a"));
      sim.step();
      sim.runner("a", JobStatus.FAILED, code, Map.of());
      sim.step();
      assertThat(sim.statusOf("a"))
          .as(code.name())
          .isEqualTo(code == ErrorCode.INFRASTRUCTURE ? JobStatus.QUEUED : JobStatus.FAILED);
    }
  }

  @Test
  void anInfrastructureFailureUnderACancelIsRecordedNotRunAgain() {
    Sim sim = new Sim(JobNode.simple("a"));
    sim.step();
    sim.cancelRequested = true;
    sim.runner("a", JobStatus.FAILED, ErrorCode.INFRASTRUCTURE, Map.of());

    sim.step();

    assertThat(sim.statusOf("a")).isEqualTo(JobStatus.FAILED);
    assertThat(sim.finished.status()).isEqualTo(BuildStatus.CANCELLED);
  }

  @Test
  void aRunLostByADeadWorkerIsRestartedWithTheNextAttempt() {
    Sim sim = new Sim(JobNode.simple("a"), JobNode.simple("b"));
    sim.step();
    sim.runner("a", JobStatus.RUNNING);
    sim.step();
    sim.runner.clear();

    List<Action> actions = sim.step();

    assertThat(actions)
        .containsExactlyInAnyOrder(
            new Action.Restart("a", 2, Map.of()), new Action.Restart("b", 2, Map.of()));
    assertThat(sim.rows.get("a").attempt()).isEqualTo(2);
    assertThat(sim.step()).isEmpty();
  }

  @Test
  void aRunLostTooOftenFailsWithATransientCode() {
    Sim sim = new Sim(JobNode.simple("a"));
    sim.attempts = new Attempts(2, 3);
    sim.step();
    sim.runner.clear();
    sim.step();
    sim.runner.clear();

    sim.step();

    assertThat(sim.statusOf("a")).isEqualTo(JobStatus.FAILED);
    assertThat(sim.finished.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(sim.finished.errorCode()).isEqualTo(ErrorCode.TRANSIENT);
  }

  @Test
  void aDynamicMatrixIsExpandedOnceItsNeedsFinished() {
    Sim sim =
        new Sim(
            JobNode.simple("setup"),
            new JobNode("test", List.of("setup"), null, null, true, null, true));
    sim.matrixOf = job -> List.of(Map.of("n", 1L), Map.of("n", 2L));
    sim.step();
    sim.runner("setup", JobStatus.SUCCEEDED);

    assertThat(sim.step())
        .containsExactly(
            new Action.Record("setup", JobStatus.SUCCEEDED, null, null, Map.of()),
            new Action.ExpandMatrix(
                "test", Map.of("setup", new NeedResult(Conclusion.SUCCESS, Map.of()))));
    assertThat(started(sim.step())).containsExactly("test.1", "test.2");
  }

  @Test
  void aFinishedOrUnclaimedBuildIsLeftAlone() {
    Sim sim = new Sim(JobNode.simple("a"));
    sim.status = BuildStatus.QUEUED;
    assertThat(sim.decide()).isEmpty();
    sim.status = BuildStatus.FAILED;
    assertThat(sim.decide()).isEmpty();
  }

  @Test
  void decidingTwiceOnAnAppliedSnapshotYieldsNothingNew() {
    Sim sim =
        new Sim(
            JobNode.simple("a"),
            JobNode.simple("b", "a"),
            JobNode.simple("c", "a"),
            job("d", "always()", "b", "c"),
            JobNode.simple("e", "d"));
    // Drive to the end with arbitrary outcomes, checking the fixpoint after every pass.
    String[] order = {"a", "b", "c", "d", "e"};
    for (String key : order) {
      sim.step();
      assertThat(sim.decide()).as("after a pass, nothing is left to do").isEmpty();
      if (sim.statusOf(key).terminal()) {
        continue;
      }
      sim.runner(
          key,
          key.equals("b") ? JobStatus.FAILED : JobStatus.SUCCEEDED,
          key.equals("b") ? ErrorCode.PERMANENT : null,
          Map.of());
    }
    sim.step();
    assertThat(sim.decide()).isEmpty();
    assertThat(sim.statusOf("c")).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(sim.statusOf("d")).isEqualTo(JobStatus.SUCCEEDED);
    // e needs only d, which ran under always() and succeeded.
    assertThat(sim.statusOf("e")).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(sim.finished.status()).isEqualTo(BuildStatus.FAILED);
  }

  @Test
  void statusFunctionsAreFoundOutsideStringLiterals() {
    assertThat(Reconciler.callsStatusFunction("always()")).isTrue();
    assertThat(Reconciler.callsStatusFunction("github.ref == 'x' || failure( )")).isTrue();
    assertThat(Reconciler.callsStatusFunction("github.event_name == 'always()'")).isFalse();
    assertThat(Reconciler.callsStatusFunction("needs.a.result == 'failure'")).isFalse();
  }

  @Test
  void aCycleIsRefused() {
    Sim sim = new Sim(JobNode.simple("a", "b"), JobNode.simple("b", "a"));

    assertThatThrownBy(sim::decide)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dependency cycle: a → b → a");
  }

  /** A called workflow's job, waiting for its caller's needs and gated by the caller's if:. */
  private static JobNode called(String id, String callerIf, String... callerNeeds) {
    return new JobNode(
        id,
        List.of(),
        null,
        null,
        true,
        null,
        false,
        List.of(callerNeeds),
        List.of(new Gate(callerIf, List.of(callerNeeds))));
  }

  /** The calling job: after its called jobs, however they ended, behind its own gate. */
  private static JobNode caller(String id, String callerIf, List<String> calledJobs, String need) {
    return new JobNode(
        id,
        List.of(need, calledJobs.getFirst()),
        "always()",
        null,
        true,
        null,
        false,
        List.of(),
        List.of(new Gate(callerIf, List.of(need))));
  }

  @Test
  void aCallerWhoseIfIsFalseSkipsItsCalledJobsAndItself() {
    Sim sim =
        new Sim(
            JobNode.simple("setup"),
            called("call.build", "false", "setup"),
            caller("call", "false", List.of("call.build"), "setup"));
    sim.step();
    sim.runner("setup", JobStatus.SUCCEEDED);

    List<Action> actions = sim.step();

    assertThat(actions)
        .contains(new Action.Skip("call.build", "its caller's if: false is false"))
        .contains(new Action.Skip("call", "its caller's if: false is false"));
    assertThat(sim.status).isEqualTo(BuildStatus.SUCCEEDED);
  }

  @Test
  void aCalledJobRunsAfterItsCallersFailedNeedWhenTheCallerSaysAlways() {
    Sim sim =
        new Sim(
            JobNode.simple("setup"),
            called("call.build", "always()", "setup"),
            caller("call", "always()", List.of("call.build"), "setup"));
    assertThat(started(sim.step())).containsExactly("setup");
    sim.runner("setup", JobStatus.FAILED, ErrorCode.PERMANENT, Map.of());

    assertThat(started(sim.step())).containsExactly("call.build");
    sim.runner("call.build", JobStatus.FAILED, ErrorCode.PERMANENT, Map.of());
    assertThat(started(sim.step())).as("the caller ends after its called jobs").contains("call");
  }

  @Test
  void aCalledJobWaitsForItsCallersNeedsWithoutNeedingThem() {
    Sim sim =
        new Sim(
            JobNode.simple("setup"),
            called("call.build", null, "setup"),
            caller("call", null, List.of("call.build"), "setup"));
    assertThat(started(sim.step())).containsExactly("setup");
    sim.runner("setup", JobStatus.SUCCEEDED);
    assertThat(started(sim.step())).containsExactly("call.build");
  }
}
