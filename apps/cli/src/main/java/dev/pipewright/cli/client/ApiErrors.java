package dev.pipewright.cli.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;

/** A failed call as the few lines a person needs: never a stack trace. */
public final class ApiErrors {
  private ApiErrors() {}

  /**
   * The lines to print for a failed call to the entry API at {@code server}: one, or one per
   * problem of an invalid workflow ({@code file:line:column: error: message}).
   */
  public static List<String> describe(StatusRuntimeException e, String server) {
    Status status = e.getStatus();
    String message = status.getDescription() == null ? "" : status.getDescription();
    return switch (status.getCode()) {
      case UNAVAILABLE ->
          List.of(
              "pipewright: cannot reach the entry API at "
                  + server
                  + (message.isBlank() || message.startsWith("io exception")
                      ? ""
                      : " (" + firstLine(message) + ")"));
      case DEADLINE_EXCEEDED ->
          List.of("pipewright: the entry API at " + server + " did not answer in time");
      case NOT_FOUND -> List.of("pipewright: " + firstLine(message));
      case INVALID_ARGUMENT -> invalid(e, message);
      case FAILED_PRECONDITION -> List.of("pipewright: " + firstLine(message));
      case UNIMPLEMENTED -> List.of("pipewright: " + server + " does not serve the Pipewright API");
      case UNAUTHENTICATED ->
          List.of(
              "pipewright: the entry API at " + server + " refused the call: " + firstLine(message),
              "pipewright: send an API token with --token-file FILE or PIPEWRIGHT_TOKEN; the first"
                  + " one is made with 'pipewright token create --name admin --role admin"
                  + " --database'");
      case PERMISSION_DENIED -> List.of("pipewright: not allowed: " + firstLine(message));
      default ->
          List.of(
              "pipewright: the entry API failed ("
                  + status.getCode()
                  + (message.isBlank() ? ")" : "): " + firstLine(message)));
    };
  }

  private static List<String> invalid(StatusRuntimeException e, String message) {
    List<String> lines = new ArrayList<>();
    com.google.rpc.Status detailed = StatusProto.fromThrowable(e);
    if (detailed != null) {
      for (Any detail : detailed.getDetailsList()) {
        if (detail.is(BadRequest.class)) {
          try {
            for (BadRequest.FieldViolation v :
                detail.unpack(BadRequest.class).getFieldViolationsList()) {
              lines.add(violation(v));
            }
          } catch (InvalidProtocolBufferException ignored) {
            // A detail we cannot read: the status message below still says what is wrong.
          }
        }
      }
    }
    if (lines.isEmpty()) {
      lines.add("pipewright: invalid request: " + firstLine(message));
    }
    return lines;
  }

  /** Workflow problems read like the lint command's: {@code file:line:column: error: message}. */
  private static String violation(BadRequest.FieldViolation v) {
    String d = v.getDescription();
    if (v.getField().equals("workflow_yaml")) {
      String[] parts = d.split(": ", 2);
      if (parts.length == 2 && parts[0].matches(".*:\\d+:\\d+")) {
        return parts[0] + ": error: " + parts[1];
      }
      return "pipewright: invalid workflow: " + d;
    }
    return "pipewright: invalid " + v.getField() + ": " + d;
  }

  private static String firstLine(String s) {
    return s.lines().findFirst().orElse("");
  }
}
