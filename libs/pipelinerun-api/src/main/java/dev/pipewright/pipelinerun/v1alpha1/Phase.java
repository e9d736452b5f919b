package dev.pipewright.pipelinerun.v1alpha1;

/** The build's state as {@code kubectl} shows it; the values mirror the build states. */
public enum Phase {
  Pending,
  Queued,
  Running,
  Succeeded,
  Failed,
  Cancelled;

  public boolean terminal() {
    return this == Succeeded || this == Failed || this == Cancelled;
  }
}
