package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.WorkflowException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {
  @Test
  void everyErrorCodeHasAStatus() {
    assertThat(GrpcErrors.codeFor(ErrorCode.INVALID_SPEC)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(GrpcErrors.codeFor(ErrorCode.NOT_FOUND)).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(GrpcErrors.codeFor(ErrorCode.CONFLICT)).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(GrpcErrors.codeFor(ErrorCode.TRANSIENT)).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(GrpcErrors.codeFor(ErrorCode.TIMEOUT)).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(GrpcErrors.codeFor(ErrorCode.CANCELLED)).isEqualTo(Status.Code.CANCELLED);
    assertThat(GrpcErrors.codeFor(ErrorCode.PERMANENT)).isEqualTo(Status.Code.INTERNAL);
  }

  @Test
  void workflowDiagnosticsBecomeFieldViolations() throws Exception {
    WorkflowException invalid =
        new WorkflowException(
            List.of(
                new Diagnostic("ci.yml", 3, 5, "unknown key 'stpes'", "did you mean 'steps'?"),
                new Diagnostic("ci.yml", 9, 1, "job 'b' needs unknown job 'x'", null)));
    StatusRuntimeException status = GrpcErrors.toStatus(invalid);
    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    com.google.rpc.Status details = StatusProto.fromThrowable(status);
    BadRequest badRequest = details.getDetails(1).unpack(BadRequest.class);
    assertThat(badRequest.getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField, BadRequest.FieldViolation::getDescription)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("workflow_yaml", "ci.yml:3:5: unknown key 'stpes'"),
            org.assertj.core.groups.Tuple.tuple(
                "workflow_yaml", "ci.yml:9:1: job 'b' needs unknown job 'x'"));
    assertThat(details.getDetails(0).unpack(ErrorInfo.class).getReason()).isEqualTo("INVALID_SPEC");
    assertThat(details.getMessage()).contains("did you mean 'steps'?");
  }

  @Test
  void transientFailureCarriesRetryInfo() throws Exception {
    StatusRuntimeException status =
        GrpcErrors.toStatus(
            new CiException(ErrorCode.TRANSIENT, "database down", null, Duration.ofMillis(1500)));
    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    RetryInfo retry = StatusProto.fromThrowable(status).getDetails(1).unpack(RetryInfo.class);
    assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(1);
    assertThat(retry.getRetryDelay().getNanos()).isEqualTo(500_000_000);
  }

  @Test
  void unexpectedFailuresHideTheirMessage() {
    StatusRuntimeException status = GrpcErrors.toStatus(new IllegalStateException("secret path"));
    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getStatus().getDescription()).isEqualTo("internal error");
  }

  @Test
  void badFieldsBecomeFieldViolations() throws Exception {
    StatusRuntimeException status =
        GrpcErrors.toStatus(new BadRequestException("build_id", "required"));
    BadRequest badRequest =
        StatusProto.fromThrowable(status).getDetails(1).unpack(BadRequest.class);
    assertThat(badRequest.getFieldViolations(0).getField()).isEqualTo("build_id");
  }
}
