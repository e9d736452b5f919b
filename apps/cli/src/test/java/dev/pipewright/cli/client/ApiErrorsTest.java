package dev.pipewright.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {
  @Test
  void unreachableServerIsOneLineNamingIt() {
    StatusRuntimeException e =
        Status.UNAVAILABLE.withDescription("io exception").asRuntimeException();
    assertThat(ApiErrors.describe(e, "127.0.0.1:1"))
        .containsExactly("pipewright: cannot reach the entry API at 127.0.0.1:1");
  }

  @Test
  void refusedCallsSayWhatToDo() {
    StatusRuntimeException missing =
        Status.UNAUTHENTICATED.withDescription("no API token").asRuntimeException();
    assertThat(ApiErrors.describe(missing, "h:1"))
        .containsExactly(
            "pipewright: the entry API at h:1 refused the call: no API token",
            "pipewright: send an API token with --token-file FILE or PIPEWRIGHT_TOKEN; the first"
                + " one is made with 'pipewright token create --name admin --role admin"
                + " --database'");
    StatusRuntimeException denied =
        Status.PERMISSION_DENIED
            .withDescription("token ci (x, read) may not call CancelBuild")
            .asRuntimeException();
    assertThat(ApiErrors.describe(denied, "h:1"))
        .containsExactly("pipewright: not allowed: token ci (x, read) may not call CancelBuild");
  }

  @Test
  void unknownBuildShowsTheServersMessage() {
    StatusRuntimeException e =
        Status.NOT_FOUND.withDescription("no build 42\nmore").asRuntimeException();
    assertThat(ApiErrors.describe(e, "h:1")).containsExactly("pipewright: no build 42");
  }

  @Test
  void invalidWorkflowListsEveryPositionedProblem() {
    BadRequest bad =
        BadRequest.newBuilder()
            .addFieldViolations(
                BadRequest.FieldViolation.newBuilder()
                    .setField("workflow_yaml")
                    .setDescription("ci.yml:3:5: unknown key 'stpes'"))
            .addFieldViolations(
                BadRequest.FieldViolation.newBuilder()
                    .setField("workflow_yaml")
                    .setDescription("ci.yml:9:1: job 'b' needs unknown job 'c'"))
            .addFieldViolations(
                BadRequest.FieldViolation.newBuilder()
                    .setField("pipeline_id")
                    .setDescription("required"))
            .build();
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.INVALID_ARGUMENT.value())
            .setMessage("invalid workflow")
            .addDetails(Any.pack(bad))
            .build();
    assertThat(ApiErrors.describe(StatusProto.toStatusRuntimeException(status), "h:1"))
        .containsExactly(
            "ci.yml:3:5: error: unknown key 'stpes'",
            "ci.yml:9:1: error: job 'b' needs unknown job 'c'",
            "pipewright: invalid pipeline_id: required");
  }

  @Test
  void invalidWithoutDetailsFallsBackToTheMessage() {
    StatusRuntimeException e =
        Status.INVALID_ARGUMENT.withDescription("build_id: not a build id: x").asRuntimeException();
    assertThat(ApiErrors.describe(e, "h:1"))
        .containsExactly("pipewright: invalid request: build_id: not a build id: x");
  }

  @Test
  void finishedBuildAndOtherFailuresStayOneLine() {
    assertThat(
            ApiErrors.describe(
                Status.FAILED_PRECONDITION
                    .withDescription("build x already finished")
                    .asRuntimeException(),
                "h:1"))
        .containsExactly("pipewright: build x already finished");
    assertThat(ApiErrors.describe(Status.INTERNAL.asRuntimeException(), "h:1"))
        .containsExactly("pipewright: the entry API failed (INTERNAL)");
  }
}
