package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.entryapi.JobNames.Job;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobNamesTest {
  private static final List<Job> JOBS =
      List.of(
          new Job("lint", "lint", "Lint sources"),
          new Job("test.1", "test", "test (ubuntu, 21)"),
          new Job("test.2", "test", "test (ubuntu, 25)"),
          new Job("package", "package", "package"));

  @Test
  void aJobAnswersToItsKeyItsWorkflowIdAndItsDisplayName() {
    assertThat(JobNames.key(JOBS, "test.2")).isEqualTo("test.2");
    assertThat(JobNames.key(JOBS, "lint")).isEqualTo("lint");
    assertThat(JobNames.key(JOBS, "Lint sources")).isEqualTo("lint");
    assertThat(JobNames.key(JOBS, "test (ubuntu, 21)")).isEqualTo("test.1");
  }

  @Test
  void caseIsIgnoredOnlyWhenNothingMatchesExactly() {
    assertThat(JobNames.key(JOBS, "lint SOURCES")).isEqualTo("lint");
    assertThat(JobNames.key(JOBS, "PACKAGE")).isEqualTo("package");
  }

  @Test
  void theIdOfAMatrixJobNamesEveryInstanceSoItIsRefusedWithThemListed() {
    assertThatThrownBy(() -> JobNames.key(JOBS, "test"))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining(
            "'test' names 2 jobs, choose one: test (ubuntu, 21) [test.1], test (ubuntu, 25)"
                + " [test.2]");
  }

  @Test
  void anUnknownJobIsNotFoundWithTheBuildsJobsListed() {
    assertThatThrownBy(() -> JobNames.key(JOBS, "deploy"))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
        .hasMessage(
            "no job 'deploy' in this build; its jobs: Lint sources [lint], test (ubuntu, 21)"
                + " [test.1], test (ubuntu, 25) [test.2], package");
  }

  @Test
  void aBuildNotPlannedYetTakesTheNameAsTheKey() {
    assertThat(JobNames.key(List.of(), "anything")).isEqualTo("anything");
  }
}
