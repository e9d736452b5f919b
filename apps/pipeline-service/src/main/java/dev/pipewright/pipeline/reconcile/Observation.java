package dev.pipewright.pipeline.reconcile;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import java.util.Map;

/** What the runner currently reports for an instance it is running or has run. */
public record Observation(
    JobStatus status, ErrorCode errorCode, String errorMessage, Map<String, String> outputs) {

  public Observation {
    outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
  }

  public static Observation of(JobStatus status) {
    return new Observation(status, null, null, Map.of());
  }
}
