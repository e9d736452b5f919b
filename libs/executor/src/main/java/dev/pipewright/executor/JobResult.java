package dev.pipewright.executor;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import java.util.Map;

/**
 * How a job instance ended.
 *
 * @param status SUCCEEDED, FAILED or CANCELLED
 * @param outputs the job's {@code outputs:}, evaluated after its last step (also when it failed),
 *     masked; empty strings included, as GitHub does
 * @param errorCode null on success; the first failed step's code, TIMEOUT when the job ran out of
 *     {@code timeout-minutes}, CANCELLED, or TRANSIENT when the runner itself failed
 */
public record JobResult(
    JobStatus status, Map<String, String> outputs, ErrorCode errorCode, String errorMessage) {
  public JobResult {
    outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
  }
}
