package dev.pipewright.models;

/**
 * A workflow job instance. QUEUED means handed to a runner but not yet running (a Kubernetes Job
 * whose pod is not scheduled yet); SKIPPED is a job that an {@code if:} or a failed need kept from
 * running.
 */
public enum JobStatus {
  PENDING(1),
  QUEUED(2),
  RUNNING(3),
  SUCCEEDED(4),
  FAILED(5),
  CANCELLED(6),
  SKIPPED(7);

  public static final Transitions<JobStatus> TRANSITIONS =
      Transitions.of(JobStatus.class)
          .from(PENDING, QUEUED, RUNNING, SKIPPED, CANCELLED, FAILED)
          .from(QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)
          .from(RUNNING, SUCCEEDED, FAILED, CANCELLED)
          .build();

  private final int number;

  JobStatus(int number) {
    this.number = number;
  }

  /** The value of the matching {@code ci.v1.JobStatus} enum constant. */
  public int number() {
    return number;
  }

  public boolean terminal() {
    return TRANSITIONS.targetsOf(this).isEmpty();
  }

  public static JobStatus forNumber(int number) {
    for (JobStatus s : values()) {
      if (s.number == number) {
        return s;
      }
    }
    throw new IllegalArgumentException("no JobStatus numbered " + number);
  }
}
