package dev.pipewright.models;

import static dev.pipewright.models.JobStatus.CANCELLED;
import static dev.pipewright.models.JobStatus.FAILED;
import static dev.pipewright.models.JobStatus.SKIPPED;
import static dev.pipewright.models.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.models.RerunSelection.Instance;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GitHub, "Re-running workflows and jobs": re-running failed jobs runs "any failed jobs and their
 * dependents"; re-running all jobs runs every job again.
 */
class RerunSelectionTest {
  private static final List<Instance> BUILD =
      List.of(
          new Instance("lint", "lint", List.of(), SUCCEEDED),
          new Instance("test.1", "test", List.of("lint"), SUCCEEDED),
          new Instance("test.2", "test", List.of("lint"), FAILED),
          new Instance("test.3", "test", List.of("lint"), CANCELLED),
          new Instance("package", "package", List.of("test"), SKIPPED),
          new Instance("publish", "publish", List.of("package"), SKIPPED),
          new Instance("docs", "docs", List.of("lint"), SUCCEEDED),
          new Instance("gated", "gated", List.of(), SKIPPED));

  @Test
  void allJobsRunsEveryInstance() {
    assertThat(RerunSelection.select(BUILD, false))
        .containsExactly(
            "lint", "test.1", "test.2", "test.3", "package", "publish", "docs", "gated");
  }

  @Test
  void failedJobsRunTheFailedAndCancelledCellsAndEverythingDownstream() {
    assertThat(RerunSelection.select(BUILD, true))
        .containsExactly("test.2", "test.3", "package", "publish");
  }

  @Test
  void aDependentMatrixRunsWhole() {
    List<Instance> build =
        List.of(
            new Instance("build", "build", List.of(), FAILED),
            new Instance("test.1", "test", List.of("build"), SKIPPED),
            new Instance("test.2", "test", List.of("build"), SKIPPED));
    assertThat(RerunSelection.select(build, true)).containsExactly("build", "test.1", "test.2");
  }

  @Test
  void aFailedCalledJobRunsItsCallerAndWhatNeedsTheCaller() {
    // CallExpander: the caller waits for the jobs it calls.
    List<Instance> build =
        List.of(
            new Instance("call.unit", "call.unit", List.of(), FAILED),
            new Instance("call.lint", "call.lint", List.of(), SUCCEEDED),
            new Instance("call", "call", List.of("call.unit", "call.lint"), FAILED),
            new Instance("deploy", "deploy", List.of("call"), SKIPPED));
    assertThat(RerunSelection.select(build, true)).containsExactly("call.unit", "call", "deploy");
  }

  @Test
  void aSucceededBuildHasNothingFailedToRerun() {
    List<Instance> build = List.of(new Instance("a", "a", List.of(), SUCCEEDED));
    assertThat(RerunSelection.select(build, true)).isEmpty();
  }
}
