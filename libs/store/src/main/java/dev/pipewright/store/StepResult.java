package dev.pipewright.store;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.SubStep;
import java.util.List;
import java.util.Map;

/**
 * What a step move records besides its status; null fields are left as they are. {@code outcome}
 * and {@code conclusion} take GitHub's values ({@code success}, {@code failure}, {@code cancelled},
 * {@code skipped}). {@code annotations} replace the stored ones when not null. {@code action} and
 * {@code actionSha}: the action a {@code uses:} step ran and the commit it resolved to. {@code
 * subSteps}: the inner steps of the composite action it ran, replacing the stored ones when not
 * null.
 */
public record StepResult(
    Integer exitCode,
    String outcome,
    String conclusion,
    ErrorCode errorCode,
    String errorMessage,
    Map<String, String> outputs,
    List<StepAnnotation> annotations,
    String action,
    String actionSha,
    List<SubStep> subSteps) {

  public static final StepResult NONE = new StepResult(null, null, null, null, null, null, null);

  /** A step that ran no action. */
  public StepResult(
      Integer exitCode,
      String outcome,
      String conclusion,
      ErrorCode errorCode,
      String errorMessage,
      Map<String, String> outputs,
      List<StepAnnotation> annotations) {
    this(
        exitCode,
        outcome,
        conclusion,
        errorCode,
        errorMessage,
        outputs,
        annotations,
        null,
        null,
        null);
  }

  public StepResult {
    outputs = outputs == null ? null : Map.copyOf(outputs);
    annotations = annotations == null ? null : List.copyOf(annotations);
    subSteps = subSteps == null ? null : List.copyOf(subSteps);
  }

  /** A step that ran to its end: its exit code, outcome/conclusion and outputs. */
  public static StepResult exited(
      int exitCode, String outcome, String conclusion, Map<String, String> outputs) {
    return new StepResult(exitCode, outcome, conclusion, null, null, outputs, null);
  }

  /** A step that failed without an exit code of its own (timeout, runner error). */
  public static StepResult error(ErrorCode code, String message) {
    return new StepResult(null, null, null, code, message, null, null);
  }
}
