package dev.pipewright.models;

/** A build's life: {@code PENDING → QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED}. */
public enum BuildStatus {
  PENDING(1),
  QUEUED(2),
  RUNNING(3),
  SUCCEEDED(4),
  FAILED(5),
  CANCELLED(6);

  /**
   * RUNNING → QUEUED is the reaper handing back a build whose worker lost its lease; QUEUED →
   * FAILED is a message that ended in the dead-letter queue.
   */
  public static final Transitions<BuildStatus> TRANSITIONS =
      Transitions.of(BuildStatus.class)
          .from(PENDING, QUEUED, CANCELLED)
          .from(QUEUED, RUNNING, FAILED, CANCELLED)
          .from(RUNNING, QUEUED, SUCCEEDED, FAILED, CANCELLED)
          .build();

  private final int number;

  BuildStatus(int number) {
    this.number = number;
  }

  /** The value of the matching {@code ci.v1.BuildStatus} enum constant. */
  public int number() {
    return number;
  }

  public boolean terminal() {
    return TRANSITIONS.targetsOf(this).isEmpty();
  }

  public static BuildStatus forNumber(int number) {
    for (BuildStatus s : values()) {
      if (s.number == number) {
        return s;
      }
    }
    throw new IllegalArgumentException("no BuildStatus numbered " + number);
  }
}
