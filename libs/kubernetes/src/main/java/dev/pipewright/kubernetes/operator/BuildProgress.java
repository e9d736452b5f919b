package dev.pipewright.kubernetes.operator;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.JobStatus;
import java.util.List;
import java.util.Objects;

/**
 * A build as the orchestrator sees it after a reconcile pass: what the PipelineRun's status shows.
 *
 * @param message why the build failed or was cancelled, or null
 * @param runAttempt the build's run attempt: 1, then one more per re-run
 */
public record BuildProgress(
    BuildStatus status, List<JobProgress> jobs, String message, int runAttempt) {
  public BuildProgress {
    Objects.requireNonNull(status, "status");
    jobs = jobs == null ? List.of() : List.copyOf(jobs);
  }

  /**
   * @param jobName the Kubernetes Job running it, or null before it started
   */
  public record JobProgress(String key, JobStatus status, String jobName) {}
}
