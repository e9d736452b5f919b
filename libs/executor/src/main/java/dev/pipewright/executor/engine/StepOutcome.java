package dev.pipewright.executor.engine;

import dev.pipewright.executor.Annotation;
import dev.pipewright.executor.SecretMasker;
import dev.pipewright.executor.StepResult;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import dev.pipewright.models.SubStep;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a step came to, before masking: its {@link StepResult} and its raw outputs (for the {@code
 * steps} context of later steps, which must see the real values).
 */
record StepOutcome(StepResult result, Map<String, String> rawOutputs) {

  /** A step that failed or was cancelled before or instead of running its command. */
  static StepOutcome failed(ErrorCode code, String message) {
    return ended(code, message, false, null, Map.of(), List.of(), null);
  }

  /**
   * A step that ended with {@code code} (null: success): CANCELLED when the code is or the job's
   * cancellation stopped it, FAILED for any other code.
   *
   * @param cancelledStep the job's cancellation stopped it (a job TIMEOUT among them)
   */
  static StepOutcome ended(
      ErrorCode code,
      String message,
      boolean cancelledStep,
      Integer exitCode,
      Map<String, String> outputs,
      List<Annotation> annotations,
      String summary) {
    StepStatus status;
    String word;
    if (code == null) {
      status = StepStatus.SUCCEEDED;
      word = "success";
    } else if (cancelledStep || code == ErrorCode.CANCELLED) {
      status = StepStatus.CANCELLED;
      word = "cancelled";
    } else {
      status = StepStatus.FAILED;
      word = "failure";
    }
    return new StepOutcome(
        new StepResult(status, exitCode, word, word, outputs, code, message, annotations, summary),
        outputs);
  }

  /**
   * {@code continue-on-error}: a failed step counts as succeeded for the job ({@code conclusion}
   * success), while {@code outcome} and the error stay for people.
   */
  StepOutcome continuedOnError() {
    StepResult r = result;
    return new StepOutcome(
        new StepResult(
            StepStatus.SUCCEEDED,
            r.exitCode(),
            "failure",
            "success",
            r.outputs(),
            r.errorCode(),
            r.errorMessage(),
            r.annotations(),
            r.summary(),
            r.action(),
            r.actionSha(),
            r.subSteps()),
        rawOutputs);
  }

  /** This outcome of a step that ran {@code action} at {@code sha} (null for a local one). */
  StepOutcome withAction(String action, String sha) {
    return new StepOutcome(result.withAction(action, sha), rawOutputs);
  }

  /** This outcome of a step whose composite action ran {@code inner}. */
  StepOutcome withSubSteps(List<SubStep> inner) {
    return new StepOutcome(result.withSubSteps(inner), rawOutputs);
  }

  /** The result as it may be stored and shown: outputs, message and summary masked. */
  StepResult masked(SecretMasker masker) {
    StepResult r = result;
    Map<String, String> outputs = new LinkedHashMap<>();
    r.outputs().forEach((k, v) -> outputs.put(k, masker.mask(v)));
    return new StepResult(
        r.status(),
        r.exitCode(),
        r.outcome(),
        r.conclusion(),
        outputs,
        r.errorCode(),
        masker.mask(r.errorMessage()),
        r.annotations(),
        masker.mask(r.summary()),
        r.action(),
        r.actionSha(),
        masked(r.subSteps(), masker));
  }

  /** Inner steps' names are rendered from expressions, so they may hold a secret too. */
  private static List<SubStep> masked(List<SubStep> steps, SecretMasker masker) {
    return steps.stream()
        .map(
            s ->
                new SubStep(
                    s.number(), masker.mask(s.name()), s.status(), masked(s.steps(), masker)))
        .toList();
  }
}
