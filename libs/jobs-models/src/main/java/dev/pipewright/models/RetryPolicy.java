package dev.pipewright.models;

import java.time.Duration;

/**
 * The one retry decision: after a failure with a given {@link ErrorCode} on the {@code attempt}-th
 * try of something allowed {@code budget} tries, retry after a back-off, fail for good, or give up
 * because the budget is spent. Everything that retries asks here: the queue consumer and the
 * worker's intake (deliveries of a build), the build loop (reconcile passes), the orchestrator (job
 * instances a runner refused or lost), the publisher and build admission (broker and database
 * calls), the gRPC API (the RetryInfo it gives clients), the outbox (publication) and the
 * PipelineRun operator (a cancel it could not record). Each caller acts on the decision in its own
 * medium: a delivery goes to the retry or the dead-letter queue, a build or job is failed with the
 * code.
 *
 * <p>What a code means for retrying is one row of {@link #rule}: a code added to the taxonomy (an
 * infrastructure failure retried up to a budget, say) is one more row there and one more row in the
 * table of its test.
 */
public final class RetryPolicy {
  /**
   * A budget for callers whose retries are bounded elsewhere (a client, a loop that never stops).
   */
  public static final int UNBOUNDED = Integer.MAX_VALUE;

  /** The longest wait between two tries. */
  public static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private RetryPolicy() {}

  /** What to do after a failure. */
  public sealed interface Decision permits Retry, Fail, DeadLetter {}

  /** Try again once {@code after} has passed. */
  public record Retry(Duration after) implements Decision {}

  /**
   * Trying again would fail the same way: fail the build or job with {@code code} (a delivery that
   * cannot be processed is dead-lettered).
   */
  public record Fail(ErrorCode code) implements Decision {}

  /**
   * Worth retrying, but {@code attempts} tries spent the budget: give up with {@code code}, saying
   * how often it was tried (a delivery goes to the dead-letter queue for an operator).
   */
  public record DeadLetter(ErrorCode code, int attempts) implements Decision {}

  /**
   * How failures with one code are retried: never, or with a back-off doubling from {@code first}.
   */
  private record Rule(boolean retried, Duration first) {
    static final Rule NEVER = new Rule(false, Duration.ZERO);

    static Rule backingOffFrom(Duration first) {
      return new Rule(true, first);
    }
  }

  /** The table: exhaustive, so a new code does not compile without its row. */
  private static Rule rule(ErrorCode code) {
    return switch (code) {
      // The database, broker or API server was unreachable, or a runner lost the job: the same
      // call may well work a moment later.
      case TRANSIENT -> Rule.backingOffFrom(Duration.ofSeconds(1));
      // The workflow or request is wrong, or its target is gone or moved on: the same answer again.
      case INVALID_SPEC, NOT_FOUND, CONFLICT -> Rule.NEVER;
      // A step or job ran out of time, was cancelled or failed on its own: that is its result.
      case TIMEOUT, CANCELLED, PERMANENT -> Rule.NEVER;
      // The job's pod or node went away: a new pod is the retry, and it should not wait long, the
      // job was already running.
      case INFRASTRUCTURE -> Rule.backingOffFrom(Duration.ofSeconds(1));
    };
  }

  /**
   * @param attempt the try that just failed, 1-based
   * @param budget the tries allowed in all ({@link #UNBOUNDED} for no limit here)
   */
  public static Decision decide(ErrorCode code, int attempt, int budget) {
    return decide(code, attempt, budget, Duration.ZERO);
  }

  /**
   * Decides for any throwable, classified by {@link CiException#from}; a retry waits at least the
   * exception's own {@link CiException#retryAfter}.
   */
  public static Decision decide(Throwable failure, int attempt, int budget) {
    CiException error = CiException.from(failure);
    return decide(error.code(), attempt, budget, error.retryAfter());
  }

  /** Whether a failure is worth another try at all (budget permitting). */
  public static boolean retryable(Throwable failure) {
    return decide(failure, 1, UNBOUNDED) instanceof Retry;
  }

  /**
   * The wait after the {@code attempt}-th failure with a retried code (zero for the others), for
   * loops that never give up, such as an outbox that must publish every build.
   */
  public static Duration backoff(ErrorCode code, int attempt) {
    Rule rule = rule(code);
    if (!rule.retried() || rule.first().isZero()) {
      return Duration.ZERO;
    }
    long millis = rule.first().toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
    return millis > MAX_BACKOFF.toMillis() ? MAX_BACKOFF : Duration.ofMillis(millis);
  }

  private static Decision decide(ErrorCode code, int attempt, int budget, Duration notBefore) {
    if (attempt < 1 || budget < 1) {
      throw new IllegalArgumentException(
          "attempt and budget must be positive: " + attempt + " of " + budget);
    }
    if (!rule(code).retried()) {
      return new Fail(code);
    }
    if (attempt >= budget) {
      return new DeadLetter(code, attempt);
    }
    Duration backoff = backoff(code, attempt);
    return new Retry(backoff.compareTo(notBefore) >= 0 ? backoff : notBefore);
  }
}
