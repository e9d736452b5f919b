package dev.pipewright.executor;

import dev.pipewright.models.JobStatus;
import java.util.Locale;
import java.util.Map;

/**
 * What a job sees of one job it {@code needs}: {@code needs.<id>.result} and {@code
 * needs.<id>.outputs}. For a matrix job, the orchestrator merges its instances' outputs (GitHub
 * keeps the last written value) and gives the aggregate result.
 */
public record NeedResult(JobStatus status, Map<String, String> outputs) {
  public NeedResult {
    outputs = Map.copyOf(outputs);
  }

  /** GitHub's spelling: {@code success}, {@code failure}, {@code cancelled} or {@code skipped}. */
  public String result() {
    return switch (status) {
      case SUCCEEDED -> "success";
      case FAILED -> "failure";
      case CANCELLED -> "cancelled";
      case SKIPPED -> "skipped";
      default -> status.name().toLowerCase(Locale.ROOT);
    };
  }
}
