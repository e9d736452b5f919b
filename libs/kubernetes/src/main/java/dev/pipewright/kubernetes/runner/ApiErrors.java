package dev.pipewright.kubernetes.runner;

import dev.pipewright.models.ErrorCode;
import java.net.HttpURLConnection;

/**
 * Types the API server's failures for the orchestrator, whose retry policy decides on the code: no
 * answer, a timeout, throttling or a server error may pass (TRANSIENT); what the server refused for
 * the request itself will not.
 */
public final class ApiErrors {
  private static final int TOO_MANY_REQUESTS = 429;

  private ApiErrors() {}

  /** By HTTP status; below 100 means no response at all (connection refused, reset, timed out). */
  public static ErrorCode codeOf(int status) {
    if (status < 100
        || status == HttpURLConnection.HTTP_CLIENT_TIMEOUT
        || status == TOO_MANY_REQUESTS
        || status >= HttpURLConnection.HTTP_INTERNAL_ERROR) {
      return ErrorCode.TRANSIENT;
    }
    return switch (status) {
      case HttpURLConnection.HTTP_NOT_FOUND -> ErrorCode.NOT_FOUND;
      case HttpURLConnection.HTTP_CONFLICT -> ErrorCode.CONFLICT;
      case HttpURLConnection.HTTP_BAD_REQUEST, 422 -> ErrorCode.INVALID_SPEC;
      default -> ErrorCode.PERMANENT;
    };
  }
}
