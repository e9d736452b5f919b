package dev.pipewright.models;

import java.util.Set;

/** One step of a job, run in order. */
public enum StepStatus {
  PENDING(1),
  RUNNING(2),
  SUCCEEDED(3),
  FAILED(4),
  SKIPPED(5),
  CANCELLED(6);

  public static final Transitions<StepStatus> TRANSITIONS =
      Transitions.of(StepStatus.class)
          .from(PENDING, RUNNING, SKIPPED, CANCELLED)
          .from(RUNNING, SUCCEEDED, FAILED, CANCELLED)
          .build();

  private final int number;

  StepStatus(int number) {
    this.number = number;
  }

  /** The value of the matching {@code ci.v1.StepStatus} enum constant. */
  public int number() {
    return number;
  }

  public boolean terminal() {
    return TRANSITIONS.targetsOf(this).isEmpty();
  }

  /**
   * Whether this is how a step that ran ends (SUCCEEDED, FAILED): reached only from RUNNING. Such
   * an end may be recorded for a step whose start was lost, as if it had passed through RUNNING.
   */
  public boolean endsARun() {
    return terminal() && TRANSITIONS.sourcesOf(this).equals(Set.of(RUNNING));
  }

  public static StepStatus forNumber(int number) {
    for (StepStatus s : values()) {
      if (s.number == number) {
        return s;
      }
    }
    throw new IllegalArgumentException("no StepStatus numbered " + number);
  }
}
