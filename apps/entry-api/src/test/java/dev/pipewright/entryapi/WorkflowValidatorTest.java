package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.capabilities.Target;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.RetryPolicy;
import dev.pipewright.parser.WorkflowException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

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
      assertThatThrownBy(() -> noPodman.validate(container, "a.yml"))
          .isInstanceOfSatisfying(
              WorkflowException.class,
              e ->
                  assertThat(e.diagnostics())
                      .extracting(d -> d.brief())
                      .containsExactly(
                          "a.yml:5:5: job 'a' sets 'container:', but the local workers have no"
                              + " container engine (podman)"));
    }
    assertThat(noPodman.size()).isZero();
    new WorkflowValidator(Target.kubernetes(), 8).validate(container, "a.yml");
  }

  @Test
  void digestSeparatesPathFromText() {
    assertThat(WorkflowValidator.digest("ab", "c"))
        .isNotEqualTo(WorkflowValidator.digest("a", "bc"));
  }
}
