package dev.pipewright.entryapi.artifacts;

import dev.pipewright.models.ErrorCode;

/** The HTTP status of an {@link ErrorCode} on the artifact routes (both protocols). */
final class Statuses {
  private Statuses() {}

  static int of(ErrorCode code) {
    return switch (code) {
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case INVALID_SPEC -> 400;
      // Both clients retry 5xx: a database or disk hiccup is worth another try.
      case TRANSIENT, INFRASTRUCTURE, TIMEOUT -> 503;
      default -> 500;
    };
  }
}
