package dev.pipewright.expressions;

/**
 * What the status functions see: whether a previous step (or a needed job) failed, and whether the
 * run was cancelled. Cancellation wins: a cancelled run is neither {@code success()} nor {@code
 * failure()}, which matches the runner, where cancelling overrides the job status.
 */
public record JobState(boolean failed, boolean cancelled) {
  public static final JobState SUCCESS = new JobState(false, false);
  public static final JobState FAILURE = new JobState(true, false);
  public static final JobState CANCELLED = new JobState(false, true);

  /** Value of {@code success()}. */
  public boolean isSuccess() {
    return !failed && !cancelled;
  }

  /** Value of {@code failure()}. */
  public boolean isFailure() {
    return failed && !cancelled;
  }

  /** Value of {@code cancelled()}. */
  public boolean isCancelled() {
    return cancelled;
  }
}
