package dev.pipewright.cli.view;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import dev.pipewright.models.SubStep;
import java.time.Instant;
import java.util.List;

/**
 * One step as shown.
 *
 * @param number 1-based position in its job
 * @param exitCode null until a process exited
 * @param attempt the run of its job this step's record belongs to (1 for the first)
 * @param annotations what the step printed with {@code ::error} and the like, in order
 * @param action the action a {@code uses:} step ran, or null
 * @param actionSha the commit a remote action resolved to, or null
 * @param subSteps the inner steps of the composite action it ran, nested as the actions nest
 */
public record StepState(
    int number,
    String name,
    StepStatus status,
    Integer exitCode,
    ErrorCode errorCode,
    String errorMessage,
    Instant startedAt,
    Instant finishedAt,
    int attempt,
    List<Annotation> annotations,
    String action,
    String actionSha,
    List<SubStep> subSteps) {

  public StepState {
    annotations = annotations == null ? List.of() : List.copyOf(annotations);
    subSteps = subSteps == null ? List.of() : List.copyOf(subSteps);
  }
}
