package dev.pipewright.pipeline.reconcile;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import java.time.Instant;
import java.util.Map;

/**
 * One job instance (a job, or one cell of its matrix) as stored.
 *
 * @param key unique within the build; also the runner's handle
 * @param matrix the cell's values; empty without a matrix (null is read as empty)
 * @param attempt 1 for the first run, incremented each time a lost run is restarted
 * @param finishedAt when it reached a terminal state (orders the failures), or null
 */
public record InstanceState(
    String key,
    String jobId,
    Map<String, Object> matrix,
    JobStatus status,
    int attempt,
    ErrorCode errorCode,
    String errorMessage,
    Map<String, String> outputs,
    Instant finishedAt) {

  public InstanceState {
    outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
    matrix = matrix == null ? Map.of() : matrix;
  }

  public static InstanceState pending(String key, String jobId, Map<String, Object> matrix) {
    return new InstanceState(key, jobId, matrix, JobStatus.PENDING, 1, null, null, Map.of(), null);
  }

  /** This instance moved to {@code status}; null {@code outputs} keeps the current ones. */
  public InstanceState with(
      JobStatus status,
      int attempt,
      ErrorCode errorCode,
      String errorMessage,
      Map<String, String> outputs,
      Instant finishedAt) {
    return new InstanceState(
        key,
        jobId,
        matrix,
        status,
        attempt,
        errorCode,
        errorMessage,
        outputs == null ? this.outputs : outputs,
        finishedAt);
  }

  public boolean active() {
    return status == JobStatus.QUEUED || status == JobStatus.RUNNING;
  }
}
