package dev.pipewright.executor;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import dev.pipewright.models.SubStep;
import java.util.List;
import java.util.Map;

/**
 * How one step ended. {@code outcome} is before {@code continue-on-error} and {@code conclusion}
 * after it (GitHub's words: {@code success}, {@code failure}, {@code cancelled}, {@code skipped}),
 * so a step that failed with {@code continue-on-error: true} is {@code SUCCEEDED} with outcome
 * {@code failure}, conclusion {@code success} and its error kept for display.
 *
 * @param exitCode the process's exit code, null when no process ran or it was killed
 * @param outputs what the step wrote to {@code $GITHUB_OUTPUT}, masked
 * @param errorCode null on success; PERMANENT for a non-zero exit or an unsupported {@code uses:},
 *     TIMEOUT for {@code timeout-minutes}, CANCELLED, TRANSIENT for runner-side I/O failures
 * @param summary what the step wrote to {@code $GITHUB_STEP_SUMMARY} (masked), or null
 * @param action the action a {@code uses:} step ran, as written ({@code acme/tool@v1}), or null
 * @param actionSha the commit a remote action resolved to, or null
 * @param subSteps the inner steps of the composite action the step ran, empty for other steps
 */
public record StepResult(
    StepStatus status,
    Integer exitCode,
    String outcome,
    String conclusion,
    Map<String, String> outputs,
    ErrorCode errorCode,
    String errorMessage,
    List<Annotation> annotations,
    String summary,
    String action,
    String actionSha,
    List<SubStep> subSteps) {

  /** A step that ran no action. */
  public StepResult(
      StepStatus status,
      Integer exitCode,
      String outcome,
      String conclusion,
      Map<String, String> outputs,
      ErrorCode errorCode,
      String errorMessage,
      List<Annotation> annotations,
      String summary) {
    this(
        status,
        exitCode,
        outcome,
        conclusion,
        outputs,
        errorCode,
        errorMessage,
        annotations,
        summary,
        null,
        null,
        List.of());
  }

  /** This result of a step that ran {@code action}, resolved to {@code sha} (null: local). */
  public StepResult withAction(String action, String sha) {
    return new StepResult(
        status,
        exitCode,
        outcome,
        conclusion,
        outputs,
        errorCode,
        errorMessage,
        annotations,
        summary,
        action,
        sha,
        subSteps);
  }

  /** This result of a step whose composite action ran {@code inner}. */
  public StepResult withSubSteps(List<SubStep> inner) {
    return new StepResult(
        status,
        exitCode,
        outcome,
        conclusion,
        outputs,
        errorCode,
        errorMessage,
        annotations,
        summary,
        action,
        actionSha,
        inner);
  }

  public StepResult {
    outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
    annotations = annotations == null ? List.of() : List.copyOf(annotations);
    subSteps = subSteps == null ? List.of() : List.copyOf(subSteps);
  }

  /**
   * This result for a step whose log could not be stored ({@link LogChunker#failure}, null for
   * none): FAILED with the log's error whatever the process did, since lines were lost; its exit
   * code, outputs and annotations kept. A cancelled step stays cancelled.
   */
  public StepResult withLogFailure(CiException lost) {
    if (lost == null || status == StepStatus.CANCELLED) {
      return this;
    }
    return new StepResult(
        StepStatus.FAILED,
        exitCode,
        "failure",
        "failure",
        outputs,
        lost.code(),
        lost.getMessage(),
        annotations,
        summary,
        action,
        actionSha,
        subSteps);
  }

  /** A step whose {@code if:} was false: {@code SKIPPED}, or {@code CANCELLED} after a cancel. */
  public static StepResult notRun(StepStatus status) {
    String word = status == StepStatus.CANCELLED ? "cancelled" : "skipped";
    ErrorCode code = status == StepStatus.CANCELLED ? ErrorCode.CANCELLED : null;
    String message = status == StepStatus.CANCELLED ? "The run was cancelled." : null;
    return new StepResult(status, null, word, word, Map.of(), code, message, List.of(), null);
  }
}
