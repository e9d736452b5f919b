package dev.pipewright.entryapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import dev.pipewright.ops.http.OpsHttpServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Map;

/**
 * The console's JSON: the ci.v1 messages the gRPC API returns, in protobuf's JSON mapping (field
 * names in lowerCamelCase, enums by name, int64 and timestamps as strings), so the console reads
 * exactly what GetBuild and ListBuilds say. Failures are {@code {"error": "..."}} with the HTTP
 * status of their gRPC code.
 */
final class ConsoleJson {
  static final String TYPE = "application/json; charset=utf-8";

  // Every field, defaults included, so the front-end never guesses what an absent field means.
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ConsoleJson() {}

  static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields of unknown types fail, and ci.v1 has none.
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  static void reply(HttpExchange exchange, MessageOrBuilder message) throws IOException {
    OpsHttpServer.reply(exchange, 200, TYPE, print(message));
  }

  static void replyError(HttpExchange exchange, StatusRuntimeException failure) throws IOException {
    OpsHttpServer.reply(
        exchange, httpStatus(failure.getStatus().getCode()), TYPE, error(describe(failure)));
  }

  /** The status's description, else its code's name. */
  static String describe(StatusRuntimeException failure) {
    Status status = failure.getStatus();
    return status.getDescription() == null ? status.getCode().name() : status.getDescription();
  }

  static String error(String message) {
    try {
      return MAPPER.writeValueAsString(Map.of("error", message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a string as JSON", e);
    }
  }

  /** The HTTP status for a gRPC code, as grpc-gateway maps them. */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case FAILED_PRECONDITION -> 412;
      case RESOURCE_EXHAUSTED -> 429;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      default -> 500;
    };
  }

  /**
   * Runs a unary method of the gRPC service in this thread and returns its answer: the console
   * calls the very code gRPC clients reach (validation, store reads, error mapping, metrics).
   *
   * @throws StatusRuntimeException the status the method answered with
   */
  static <Q, R> R call(UnaryMethod<Q, R> method, Q request) {
    Captured<R> captured = new Captured<>();
    method.invoke(request, captured);
    if (captured.error != null) {
      throw GrpcErrors.toStatus(captured.error);
    }
    if (captured.value == null) {
      // Every unary method of PipelineServiceImpl answers before returning.
      throw new IllegalStateException("the method returned without answering");
    }
    return captured.value;
  }

  @FunctionalInterface
  interface UnaryMethod<Q, R> {
    void invoke(Q request, StreamObserver<R> response);
  }

  private static final class Captured<R> implements StreamObserver<R> {
    private R value;
    private Throwable error;

    @Override
    public void onNext(R value) {
      this.value = value;
    }

    @Override
    public void onError(Throwable t) {
      this.error = t;
    }

    @Override
    public void onCompleted() {}
  }
}
