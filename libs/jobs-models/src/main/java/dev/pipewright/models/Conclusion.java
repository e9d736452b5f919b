package dev.pipewright.models;

import java.util.Locale;

/**
 * How a finished workflow job counts for the jobs that need it: GitHub's {@code needs.<id>.result}.
 * One value for the whole job, whatever its matrix, after {@code continue-on-error}; {@link
 * JobStatus} is the state of one instance. The orchestrator derives it, runners only render it.
 */
public enum Conclusion {
  SUCCESS,
  FAILURE,
  CANCELLED,
  SKIPPED;

  /** GitHub's spelling: {@code success}, {@code failure}, {@code cancelled} or {@code skipped}. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
