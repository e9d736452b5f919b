package dev.pipewright.models;

import java.time.Duration;

/**
 * The one error taxonomy: it decides retry versus fail everywhere (queue, runners, API). Only
 * {@link #TRANSIENT} is retried on its own; {@link #TIMEOUT} is retried only where a policy says
 * so.
 */
public enum ErrorCode {
  INVALID_SPEC(false, Duration.ZERO),
  NOT_FOUND(false, Duration.ZERO),
  CONFLICT(false, Duration.ZERO),
  TRANSIENT(true, Duration.ofSeconds(1)),
  TIMEOUT(false, Duration.ofSeconds(5)),
  CANCELLED(false, Duration.ZERO),
  PERMANENT(false, Duration.ZERO);

  private final boolean retryable;
  private final Duration retryAfter;

  ErrorCode(boolean retryable, Duration retryAfter) {
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  public boolean retryable() {
    return retryable;
  }

  /** The first back-off before a retry; later attempts grow from it. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** Exponential back-off with a ceiling, for the {@code attempt}-th retry (1-based). */
  public Duration backoff(int attempt, Duration ceiling) {
    if (retryAfter.isZero()) {
      return Duration.ZERO;
    }
    long millis = retryAfter.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
    return millis > ceiling.toMillis() ? ceiling : Duration.ofMillis(millis);
  }
}
