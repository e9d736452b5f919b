package dev.pipewright.executor.engine;

import dev.pipewright.executor.Annotation;
import dev.pipewright.executor.StepResult;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a composite action's inner steps came to, together: the calling step's result ({@link
 * CompositeSteps}).
 */
final class CompositeResult {
  private final List<Annotation> annotations = new ArrayList<>();
  private final StringBuilder summary = new StringBuilder();
  private ErrorCode code;
  private String message;
  private Integer exitCode;
  private boolean cancelled;

  void add(StepResult r) {
    annotations.addAll(r.annotations());
    if (r.summary() != null) {
      summary.append(r.summary());
    }
    if (r.status() == StepStatus.CANCELLED) {
      cancelled = true;
      if (code == null) {
        code = r.errorCode() == null ? ErrorCode.CANCELLED : r.errorCode();
        message = r.errorMessage();
      }
    } else if ("failure".equals(r.conclusion())) {
      fail(r.errorCode(), r.errorMessage(), r.exitCode());
    }
  }

  /** Whether an inner step failed, or the action did (its deadline passed, an output failed). */
  boolean failed() {
    return code != null;
  }

  void fail(ErrorCode failure, String why, Integer exit) {
    if (code == null) {
      code = failure == null ? ErrorCode.PERMANENT : failure;
      message = why;
      exitCode = exit;
    }
  }

  StepOutcome outcome(Map<String, String> outputs) {
    return StepOutcome.ended(
        code,
        message,
        cancelled,
        exitCode,
        outputs,
        annotations,
        summary.isEmpty() ? null : summary.toString());
  }
}
