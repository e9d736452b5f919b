package dev.pipewright.store;

/** What {@link BuildRepository#requestCancel} did. */
public enum CancelOutcome {
  /** The build had not started: it and its unfinished jobs and steps are now CANCELLED. */
  CANCELLED,
  /** The build is running: its worker was asked to cancel it (cancel_requested_at is set). */
  CANCEL_REQUESTED
}
