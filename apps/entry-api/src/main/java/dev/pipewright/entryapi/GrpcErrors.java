package dev.pipewright.entryapi;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.RetryPolicy;
import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.WorkflowException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one translation from the project's error taxonomy to gRPC statuses. Every status carries a
 * google.rpc.ErrorInfo whose reason is the {@link ErrorCode}; invalid workflows and fields add a
 * google.rpc.BadRequest, retryable failures a google.rpc.RetryInfo.
 */
final class GrpcErrors {
  static final String DOMAIN = "pipewright.dev";
  static final String WORKFLOW_FIELD = "workflow_yaml";

  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  static Status.Code codeFor(ErrorCode code) {
    return switch (code) {
      case INVALID_SPEC -> Status.Code.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case CONFLICT -> Status.Code.FAILED_PRECONDITION;
      case TRANSIENT, INFRASTRUCTURE -> Status.Code.UNAVAILABLE;
      case TIMEOUT -> Status.Code.DEADLINE_EXCEEDED;
      case CANCELLED -> Status.Code.CANCELLED;
      case PERMANENT -> Status.Code.INTERNAL;
    };
  }

  static StatusRuntimeException toStatus(Throwable failure) {
    if (failure instanceof StatusRuntimeException status) {
      return status;
    }
    CiException error = CiException.from(failure);
    String message = error.getMessage();
    if (!(failure instanceof CiException)) {
      // Unclassified: log it whole here, tell the caller only that it happened.
      log.error("Unexpected failure", failure);
      message = "internal error";
    } else if (error.code() == ErrorCode.PERMANENT || error.code() == ErrorCode.TRANSIENT) {
      log.warn("Request failed: {}", error.getMessage());
    }
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder()
            .setCode(codeFor(error.code()).value())
            .setMessage(message == null ? "" : message)
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setReason(error.code().name())
                        .setDomain(DOMAIN)
                        .build()));
    BadRequest badRequest = badRequest(failure);
    if (badRequest != null) {
      status.addDetails(Any.pack(badRequest));
    }
    // The client owns its retry budget: tell it the policy's wait before its next try.
    if (RetryPolicy.decide(error, 1, RetryPolicy.UNBOUNDED) instanceof RetryPolicy.Retry retry) {
      status.addDetails(
          Any.pack(
              RetryInfo.newBuilder()
                  .setRetryDelay(
                      com.google.protobuf.Duration.newBuilder()
                          .setSeconds(retry.after().getSeconds())
                          .setNanos(retry.after().getNano()))
                  .build()));
    }
    return StatusProto.toStatusRuntimeException(status.build());
  }

  /** {@code file:line:column: message}, the description of a workflow field violation. */
  static String describe(Diagnostic d) {
    return d.brief();
  }

  private static BadRequest badRequest(Throwable failure) {
    if (failure instanceof WorkflowException workflow) {
      BadRequest.Builder builder = BadRequest.newBuilder();
      for (Diagnostic d : workflow.diagnostics()) {
        builder.addFieldViolations(
            BadRequest.FieldViolation.newBuilder()
                .setField(WORKFLOW_FIELD)
                .setDescription(describe(d)));
      }
      return builder.build();
    }
    if (failure instanceof BadRequestException invalid) {
      BadRequest.Builder builder = BadRequest.newBuilder();
      for (BadRequestException.Violation v : invalid.violations()) {
        builder.addFieldViolations(
            BadRequest.FieldViolation.newBuilder()
                .setField(v.field())
                .setDescription(v.description()));
      }
      return builder.build();
    }
    return null;
  }
}
