package dev.pipewright.store;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import dev.pipewright.models.SubStep;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One step of a job as stored. {@code outcome} and {@code conclusion} are GitHub's {@code
 * steps.<id>.outcome/conclusion} ({@code success}, {@code failure}, {@code cancelled}, {@code
 * skipped}), null until the step finished. {@code attempt} is the run of its job the row shows: 1,
 * then one more each time the job runs again from its first step. {@code annotations} are those of
 * that run, in the order the step printed them. {@code action} is the action a {@code uses:} step
 * ran, {@code actionSha} the commit a remote one resolved to (null otherwise), {@code subSteps} the
 * inner steps of the composite action it ran (empty otherwise).
 */
public record StepView(
    UUID id,
    int number,
    String name,
    StepStatus status,
    Integer exitCode,
    String outcome,
    String conclusion,
    ErrorCode errorCode,
    String errorMessage,
    Map<String, String> outputs,
    Instant startedAt,
    Instant finishedAt,
    int attempt,
    List<StepAnnotation> annotations,
    String action,
    String actionSha,
    List<SubStep> subSteps) {

  public StepView {
    annotations = annotations == null ? List.of() : List.copyOf(annotations);
    subSteps = subSteps == null ? List.of() : List.copyOf(subSteps);
  }
}
