package dev.pipewright.models;

/**
 * The one error taxonomy: every failure is stored and returned with one of these codes, and {@link
 * RetryPolicy} decides from it (with the attempt and its budget) whether to retry, fail or
 * dead-letter, wherever that is decided.
 */
public enum ErrorCode {
  /** The workflow or request is wrong (bad YAML, an expression that cannot be evaluated). */
  INVALID_SPEC,
  NOT_FOUND,
  /**
   * A guarded move lost a race or the target already finished; or the request needs what this
   * installation lacks (a build with secrets and no secret key configured).
   */
  CONFLICT,
  /** The infrastructure hiccuped (database, broker or API server unreachable, a runner lost). */
  TRANSIENT,
  /** A step or job ran longer than it was allowed. */
  TIMEOUT,
  CANCELLED,
  /** Anything else, a step's non-zero exit included. */
  PERMANENT,
  /**
   * The machine a job ran on failed under it, not the job's own code: its pod was deleted, evicted
   * or preempted, or its node was lost. The job runs again from its first step, on a new pod, up to
   * its budget of attempts.
   */
  INFRASTRUCTURE
}
