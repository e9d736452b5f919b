package dev.pipewright.pipeline.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.NeedResult;
import dev.pipewright.models.Conclusion;
import dev.pipewright.models.JobStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NeedsTest {

  /**
   * The instances of {@code build}, one word per matrix cell, and what {@code needs.build.result}
   * then reads. {@code FAILED*} is a cell excused by the job's {@code continue-on-error: ${{
   * matrix.experimental }}}.
   *
   * <p>GitHub documents the four values only (contexts reference, {@code needs} context) and its
   * server is not open source, so each rule cites where it is observed or implemented:
   *
   * <ul>
   *   <li>A job whose failure its {@code continue-on-error} excuses reads {@code success} to its
   *       dependents, though shown failed: actions/runner#1161 (acknowledged by a maintainer) and
   *       actions/toolkit#581.
   *   <li>A failing step with its own {@code continue-on-error} ends the job SUCCEEDED in the
   *       runner (StepResult: outcome failure, conclusion success), so the job reads {@code
   *       success}: the first row.
   *   <li>A matrix rolls up to one result. Any failed cell makes it {@code failure}, also when
   *       fail-fast then cancelled the others (nektos/act, pkg/runner/job_executor.go {@code
   *       setJobResult}: a cell's failure is kept for the whole matrix). A cancelled cell makes it
   *       {@code cancelled}: community discussion #211624 reports a cancelled leg reading {@code
   *       success} as a bug. A skipped cell beside successes rolls up to {@code success}
   *       (lidge-jun/opencodex#4837 observes "five successes and one skipped leg roll up to
   *       success"); only a job skipped in every cell reads {@code skipped}.
   * </ul>
   */
  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "SUCCEEDED,                   success",
    "FAILED,                      failure",
    "FAILED*,                     success",
    "CANCELLED,                   cancelled",
    "SKIPPED,                     skipped",
    "SUCCEEDED SUCCEEDED,         success",
    "SUCCEEDED FAILED,            failure",
    "FAILED CANCELLED CANCELLED,  failure",
    "SUCCEEDED CANCELLED,         cancelled",
    "SUCCEEDED SKIPPED,           success",
    "SKIPPED SKIPPED,             skipped",
    "FAILED* SUCCEEDED,           success",
    "FAILED* FAILED,              failure",
    "FAILED* CANCELLED,           cancelled",
  })
  void aNeededJobsResultFollowsGitHub(String cells, String result) {
    List<InstanceState> instances = new ArrayList<>();
    for (String cell : cells.split(" ")) {
      boolean excused = cell.endsWith("*");
      JobStatus status = JobStatus.valueOf(excused ? cell.substring(0, cell.length() - 1) : cell);
      int n = instances.size() + 1;
      instances.add(
          InstanceState.pending("build." + n, "build", Map.of("experimental", excused))
              .with(status, 1, null, null, Map.of(), null));
    }
    JobNode build = new JobNode("build", List.of(), null, "matrix.experimental", true, null, false);

    Needs needs = new Needs(List.of(build), id -> instances, Sim.EVALUATOR, false);

    assertThat(needs.result("build").text()).isEqualTo(result);
  }

  @Test
  void continueOnErrorTrueExcusesEveryFailure() {
    InstanceState failed =
        InstanceState.pending("lint", "lint", Map.of())
            .with(JobStatus.FAILED, 1, null, null, Map.of(), null);
    JobNode lint = new JobNode("lint", List.of(), null, "true", true, null, false);

    Needs needs = new Needs(List.of(lint), id -> List.of(failed), Sim.EVALUATOR, false);

    assertThat(needs.failsTheBuild(failed)).isFalse();
    assertThat(needs.result("lint")).isEqualTo(Conclusion.SUCCESS);
  }

  @Test
  void theContextHoldsEachDirectNeedInOrderWithTheOutputsOfEveryCellLaterOnesWinning() {
    Map<String, List<InstanceState>> byJob =
        Map.of(
            "test",
            List.of(
                done("test.1", "test", Map.of("os", "linux", "first", "1")),
                done("test.2", "test", Map.of("os", "mac"))),
            "lint",
            List.of(done("lint", "lint", Map.of())));
    Needs needs =
        new Needs(
            List.of(
                JobNode.simple("test"),
                JobNode.simple("lint"),
                JobNode.simple("deploy", "test", "lint")),
            byJob::get,
            Sim.EVALUATOR,
            false);

    assertThat(needs.of("deploy"))
        .containsExactly(
            Map.entry(
                "test", new NeedResult(Conclusion.SUCCESS, Map.of("os", "mac", "first", "1"))),
            Map.entry("lint", new NeedResult(Conclusion.SUCCESS, Map.of())));
    assertThat(needs.of("test")).isEmpty();
  }

  private static InstanceState done(String key, String jobId, Map<String, String> outputs) {
    return InstanceState.pending(key, jobId, Map.of())
        .with(JobStatus.SUCCEEDED, 1, null, null, outputs, null);
  }
}
