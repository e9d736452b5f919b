package dev.pipewright.kubernetes.runner;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.function.Supplier;

/**
 * Types the API server's failures for the orchestrator, whose retry policy decides on the code: no
 * answer, a timeout, throttling or a server error may pass (TRANSIENT); what the server refused for
 * the request itself will not.
 */
final class ApiErrors {
  private static final int TOO_MANY_REQUESTS = 429;

  private ApiErrors() {}

  /** Runs {@code call}, turning a client failure into a typed one about {@code what}. */
  static <T> T typed(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (KubernetesClientException e) {
      throw new CiException(codeOf(e.getCode()), what + ": " + e.getMessage(), e);
    }
  }

  static void typed(String what, Runnable call) {
    typed(
        what,
        () -> {
          call.run();
          return null;
        });
  }

  /** By HTTP status; below 100 means no response at all (connection refused, reset, timed out). */
  static ErrorCode codeOf(int status) {
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
