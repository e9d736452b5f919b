package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.actions.ActionResolver;
import dev.pipewright.capabilities.Target;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.RetryPolicy;
import dev.pipewright.parser.WorkflowException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowValidatorTest {
  static final String BAD = "jobs:\n  a:\n    needs: [nope]\n    steps: []\n";

  @Test
  void remembersValidWorkflowsOnly() {
    WorkflowValidator validator = new WorkflowValidator(Target.local(true), 8);
    validator.validate(RequestsTest.WORKFLOW, "a.yml");
    validator.validate(RequestsTest.WORKFLOW, "a.yml");
    assertThat(validator.size()).isEqualTo(1);
    // Same text, other file: diagnostics would name another file, so it is another entry.
    validator.validate(RequestsTest.WORKFLOW, "b.yml");
    assertThat(validator.size()).isEqualTo(2);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> validator.validate(BAD, "a.yml"))
          .isInstanceOf(WorkflowException.class);
    }
    assertThat(validator.size()).isEqualTo(2);
  }

  @Test
  void forgetsTheLeastRecentlyUsedBeyondCapacity() {
    WorkflowValidator validator = new WorkflowValidator(Target.local(true), 2);
    validator.validate(RequestsTest.WORKFLOW, "a.yml");
    validator.validate(RequestsTest.WORKFLOW, "b.yml");
    validator.validate(RequestsTest.WORKFLOW, "c.yml");
    assertThat(validator.size()).isEqualTo(2);
  }

  @Test
  void aParseThatCannotStartInTimeIsRefusedAsRetryable() {
    WorkflowValidator busy = new WorkflowValidator(Target.local(true), 8, 0, Duration.ofMillis(20));

    assertThatThrownBy(() -> busy.validate(RequestsTest.WORKFLOW, "a.yml"))
        .isInstanceOfSatisfying(
            CiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT);
              assertThat(RetryPolicy.retryable(e)).isTrue();
            });
    assertThat(busy.size()).isZero();
  }

  /** What the executor cannot run is refused like a parse error, and never remembered as valid. */
  @Test
  void refusesWhatTheTargetCannotRun() {
    String container =
        "on: push\njobs:\n  a:\n    runs-on: x\n    container: node:20\n"
            + "    steps: [{run: node -v}]\n";
    WorkflowValidator noPodman = new WorkflowValidator(Target.local(false), 8);
    for (int i = 0; i < 2; i++) {
      assertRefused(
          noPodman,
          container,
          "a.yml",
          "a.yml:5:5: job 'a' sets 'container:', but the local workers have no container engine"
              + " (podman)");
    }
    assertThat(noPodman.size()).isZero();
    new WorkflowValidator(Target.kubernetes(), 8).validate(container, "a.yml");
  }

  /**
   * Issue 14: admission reads remote actions' manifests from the configured sources (here an
   * offline directory of bare repositories: never the network). A Dockerfile action, an unknown
   * kind and a missing manifest are refused at their 'uses:'; one that could not be fetched, and a
   * local action (admission has the file, not its repository), are warnings.
   */
  @Test
  void refusesActionsTheTargetCannotRunFromTheirManifests(@TempDir Path root) throws Exception {
    ActionResolver resolver =
        ActionResolver.onDisk(
            OfflineActions.under(root), root.resolve("cache"), Duration.ofMinutes(1));
    WorkflowValidator validator = new WorkflowValidator(Target.kubernetes(), resolver, 8);
    String refused =
        """
        on: push
        jobs:
          a:
            runs-on: x
            steps:
              - uses: acme/built@v1
              - uses: acme/empty@v1
              - uses: acme/js@v1
              - uses: acme/gone@v1
              - uses: ./local
        """;

    assertRefused(
        validator,
        refused,
        "ci.yml",
        "ci.yml:6:9: step 1 of job 'a' uses the action 'acme/built@v1': it is a"
            + " Docker action built from 'Dockerfile', which is refused until an"
            + " image builder exists",
        "ci.yml:7:9: step 2 of job 'a' uses the action 'acme/empty@v1': its commit"
            + " has no 'action.yml' or 'action.yaml'");
    validator.validate(
        refused.replace("      - uses: acme/built@v1\n      - uses: acme/empty@v1\n", ""),
        "ci.yml");
    assertThat(validator.size()).isEqualTo(1);
  }

  private static void assertRefused(
      WorkflowValidator validator, String yaml, String path, String... diagnostics) {
    assertThatThrownBy(() -> validator.validate(yaml, path))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e ->
                assertThat(e.diagnostics())
                    .extracting(d -> d.brief())
                    .containsExactly(diagnostics));
  }

  @Test
  void digestSeparatesPathFromText() {
    assertThat(WorkflowValidator.digest("ab", "c"))
        .isNotEqualTo(WorkflowValidator.digest("a", "bc"));
  }
}
