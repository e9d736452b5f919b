package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.GetBuildLogsRequest;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.entryapi.ConsoleApi.Kind;
import dev.pipewright.entryapi.ConsoleApi.Target;
import io.grpc.Status;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleApiTest {
  @Test
  void parsesEachRouteAndNothingElse() {
    assertThat(ConsoleApi.parse("/api/builds")).isEqualTo(new Target(Kind.LIST, null));
    assertThat(ConsoleApi.parse("/api/builds/events"))
        .isEqualTo(new Target(Kind.LIST_EVENTS, null));
    assertThat(ConsoleApi.parse("/api/builds/b1")).isEqualTo(new Target(Kind.BUILD, "b1"));
    assertThat(ConsoleApi.parse("/api/builds/b1/events"))
        .isEqualTo(new Target(Kind.BUILD_EVENTS, "b1"));
    assertThat(ConsoleApi.parse("/api/builds/b1/cancel")).isEqualTo(new Target(Kind.CANCEL, "b1"));
    assertThat(ConsoleApi.parse("/api/builds/b1/rerun")).isEqualTo(new Target(Kind.RERUN, "b1"));
    assertThat(ConsoleApi.parse("/api/builds/")).isNull();
    assertThat(ConsoleApi.parse("/api/builds/b1/logs")).isNull();
    assertThat(ConsoleApi.parse("/api/builds/b1/cancel/x")).isNull();
    assertThat(ConsoleApi.parse("/api/tokens")).isNull();
  }

  @Test
  void eachRouteNeedsTheRoleOfItsRpc() {
    assertThat(Kind.CANCEL.rpc.getFullMethodName()).isEqualTo("ci.v1.PipelineService/CancelBuild");
    assertThat(Kind.BUILD.rpc.getFullMethodName()).isEqualTo("ci.v1.PipelineService/GetBuild");
    for (Kind kind : Kind.values()) {
      assertThat(MethodRoles.declared(kind.rpc.getFullMethodName())).as(kind.name()).isTrue();
    }
  }

  @Test
  void readsListFiltersWithStatusesInAnyCase() {
    ListBuildsRequest request =
        ConsoleApi.listRequest(
            Map.of(
                "pipeline", "web",
                "status", "Failed, running",
                "page_token", "t",
                "page_size", "5"));
    assertThat(request.getPipelineId()).isEqualTo("web");
    assertThat(request.getStatusesList())
        .containsExactly(BuildStatus.BUILD_STATUS_FAILED, BuildStatus.BUILD_STATUS_RUNNING);
    assertThat(request.getPageToken()).isEqualTo("t");
    assertThat(request.getPageSize()).isEqualTo(5);
    assertThat(ConsoleApi.listRequest(Map.of())).isEqualTo(ListBuildsRequest.getDefaultInstance());
    assertThatThrownBy(() -> ConsoleApi.listRequest(Map.of("status", "unspecified")))
        .hasMessageContaining("unknown status 'unspecified'");
    assertThatThrownBy(() -> ConsoleApi.listRequest(Map.of("page_size", "ten")))
        .hasMessageContaining("page_size: not a number");
  }

  @Test
  void followsAJobsLogFromTheCursorElseTheLastEventId() {
    assertThat(ConsoleApi.logsRequest("b", Map.of(), "9")).isNull();
    GetBuildLogsRequest fromQuery =
        ConsoleApi.logsRequest("b", Map.of("job", "test.1", "cursor", "12"), "9");
    assertThat(fromQuery.getJobKey()).isEqualTo("test.1");
    assertThat(fromQuery.getCursor()).isEqualTo("12");
    assertThat(fromQuery.getFollow()).isTrue();
    assertThat(ConsoleApi.logsRequest("b", Map.of("job", "j"), "9").getCursor()).isEqualTo("9");
    assertThat(ConsoleApi.logsRequest("b", Map.of("job", "j"), null).getCursor()).isEmpty();
    assertThatThrownBy(() -> ConsoleApi.logsRequest("b", Map.of("job", "j", "cursor", "x"), null))
        .hasMessageContaining("not a log cursor");
  }

  @Test
  void mapsGrpcCodesToHttpStatuses() {
    assertThat(ConsoleJson.httpStatus(Status.Code.INVALID_ARGUMENT)).isEqualTo(400);
    assertThat(ConsoleJson.httpStatus(Status.Code.NOT_FOUND)).isEqualTo(404);
    assertThat(ConsoleJson.httpStatus(Status.Code.FAILED_PRECONDITION)).isEqualTo(412);
    assertThat(ConsoleJson.httpStatus(Status.Code.UNAVAILABLE)).isEqualTo(503);
    assertThat(ConsoleJson.httpStatus(Status.Code.INTERNAL)).isEqualTo(500);
    assertThat(ConsoleJson.error("a \"quoted\"\nline"))
        .isEqualTo("{\"error\":\"a \\\"quoted\\\"\\nline\"}");
  }

  @Test
  void servesFilesUnderTheConsoleRootOnly() {
    assertThat(ConsoleAssets.resource("/console/assets/index-1.js"))
        .isEqualTo("pipewright-console/assets/index-1.js");
    assertThat(ConsoleAssets.resource("/console/")).isNull();
    assertThat(ConsoleAssets.resource("/console/../secret")).isNull();
    assertThat(ConsoleAssets.resource("/console//etc/passwd")).isNull();
    assertThat(ConsoleAssets.type("a/b.css")).isEqualTo("text/css; charset=utf-8");
    assertThat(ConsoleAssets.type("a/b.bin")).isEqualTo("application/octet-stream");
  }
}
