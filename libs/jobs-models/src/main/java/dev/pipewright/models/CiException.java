package dev.pipewright.models;

import java.time.Duration;
import java.util.Objects;

/** The typed failure every layer throws; its code is what gets stored and returned. */
public class CiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final Duration retryAfter;

  public CiException(ErrorCode code, String message) {
    this(code, message, null, Duration.ZERO);
  }

  public CiException(ErrorCode code, String message, Throwable cause) {
    this(code, message, cause, Duration.ZERO);
  }

  /**
   * @param retryAfter the least wait before a retry that the thrower knows of (a circuit breaker's
   *     open state); {@link RetryPolicy} never retries sooner
   */
  public CiException(ErrorCode code, String message, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.code = Objects.requireNonNull(code);
    this.retryAfter = Objects.requireNonNull(retryAfter);
  }

  public ErrorCode code() {
    return code;
  }

  /** Zero unless the thrower knows a retry must wait; whether to retry is the policy's call. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** Classifies any throwable: a {@code CiException} keeps its code, anything else is PERMANENT. */
  public static CiException from(Throwable t) {
    if (t instanceof CiException ci) {
      return ci;
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return new CiException(ErrorCode.PERMANENT, message, t);
  }
}
