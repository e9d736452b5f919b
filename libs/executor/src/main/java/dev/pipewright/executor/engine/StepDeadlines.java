package dev.pipewright.executor.engine;

import java.time.Duration;

/**
 * The {@code timeout-minutes} of the {@code uses:} steps running now (a composite action's calling
 * step, and the actions nested in it). actions/runner's StepsRunner sets a step's timeout whatever
 * the step runs, and an action's inner steps run under the calling step's cancellation, so a
 * command inside an action ends at the earliest of its own timeout and the callers'. The earliest
 * deadline binds; the message names its step.
 */
final class StepDeadlines {

  /** A deadline ({@link System#nanoTime}) and what a step that reaches it fails with. */
  record Deadline(long at, String message) {
    Duration remaining() {
      return Duration.ofNanos(Math.max(1, at - System.nanoTime()));
    }

    boolean passed() {
      return System.nanoTime() - at >= 0;
    }
  }

  /** What bounds one command: its timeout, and the message when it is reached. */
  record Limit(Duration timeout, String message) {}

  private Deadline current;

  /**
   * Enters a {@code uses:} step with {@code timeout} (null: none).
   *
   * @return what to give {@link #leave} when the step ends
   */
  Deadline enter(Duration timeout, String message) {
    Deadline before = current;
    if (timeout != null) {
      long at = System.nanoTime() + timeout.toNanos();
      if (before == null || at - before.at() < 0) {
        current = new Deadline(at, message);
      }
    }
    return before;
  }

  void leave(Deadline before) {
    current = before;
  }

  /** The deadline of the steps running now, when one has passed. */
  Deadline passed() {
    return current != null && current.passed() ? current : null;
  }

  /**
   * What bounds a command whose own timeout is {@code own} (null: none), failing with {@code
   * ownMessage}: its own timeout, or the callers' deadline when that comes first.
   */
  Limit limit(Duration own, String ownMessage) {
    Deadline d = current;
    if (d != null && (own == null || d.remaining().compareTo(own) < 0)) {
      return new Limit(d.remaining(), d.message());
    }
    return new Limit(own, ownMessage);
  }

  /** GitHub's words for a step over its {@code timeout-minutes}. */
  static String message(String stepName, Duration timeout) {
    return "The action '" + stepName + "' has timed out after " + JobEngine.describe(timeout) + ".";
  }
}
