package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.api.ci.v1.GetArtifactRequest;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.ListArtifactsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Without a secret key the artifact service is off: GetBuild still answers (no artifacts can have
 * been uploaded), the artifact calls and the download route say that the service is off.
 */
class ArtifactsOffIT {
  @Test
  void theArtifactCallsSayTheServiceIsOff() throws Exception {
    try (ApiFixture fx = new ApiFixture()) {
      check(fx);
    }
  }

  private static void check(ApiFixture fx) throws Exception {
    String build =
        fx.stub.startPipelineBuild(EntryApiIT.request(EntryApiIT.pipeline())).getBuildId();
    assertThat(
            fx.stub
                .getBuild(GetBuildRequest.newBuilder().setBuildId(build).build())
                .getArtifactsList())
        .isEmpty();

    StatusRuntimeException list =
        EntryApiIT.catchStatus(
            () ->
                fx.stub.listArtifacts(ListArtifactsRequest.newBuilder().setBuildId(build).build()));
    assertThat(list.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(list.getStatus().getDescription()).contains("artifact service is off");
    StatusRuntimeException get =
        EntryApiIT.catchStatus(
            () ->
                fx.stub
                    .getArtifact(
                        GetArtifactRequest.newBuilder().setBuildId(build).setName("x").build())
                    .next());
    assertThat(get.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);

    HttpResponse<String> route =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + fx.api.httpPort()
                                + "/builds/"
                                + build
                                + "/artifacts/x"))
                    .header("Authorization", "Bearer " + fx.admin.token().reveal())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(route.statusCode()).isEqualTo(404);
    assertThat(route.body()).contains("artifact service is off");
  }
}
