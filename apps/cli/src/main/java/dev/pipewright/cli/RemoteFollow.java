package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.GetBuildLogsRequest;
import dev.pipewright.api.ci.v1.GetBuildLogsResponse;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.cli.client.ApiClient;
import dev.pipewright.cli.client.ApiErrors;
import dev.pipewright.cli.client.ProtoViews;
import dev.pipewright.cli.view.BuildState;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;

/** Follows a build of the entry API: GetBuild polls for states, a GetBuildLogs stream for logs. */
final class RemoteFollow {
  private static final int STREAM_RETRIES = 5;

  private RemoteFollow() {}

  /**
   * @throws StatusRuntimeException when the build cannot be read any more
   */
  static BuildState follow(ApiClient client, String buildId, LiveProgress progress)
      throws InterruptedException {
    Context.CancellableContext stream = Context.current().withCancellation();
    Thread logs =
        Thread.ofPlatform()
            .daemon()
            .name("pipewright-logs")
            .start(() -> stream.run(() -> streamLogs(client, buildId, progress)));
    try {
      return progress.follow(
          () ->
              ProtoViews.build(
                  client
                      .call()
                      .getBuild(GetBuildRequest.newBuilder().setBuildId(buildId).build())));
    } finally {
      stream.cancel(null);
      logs.join(Duration.ofSeconds(2));
    }
  }

  /** Streams every chunk once, resuming after the last cursor when the connection drops. */
  private static void streamLogs(ApiClient client, String buildId, LiveProgress progress) {
    String cursor = "";
    int failures = 0;
    while (true) {
      try {
        Iterator<GetBuildLogsResponse> responses =
            client.stream()
                .getBuildLogs(
                    GetBuildLogsRequest.newBuilder()
                        .setBuildId(buildId)
                        .setCursor(cursor)
                        .setFollow(true)
                        .build());
        while (responses.hasNext()) {
          GetBuildLogsResponse response = responses.next();
          for (LogChunk chunk : response.getChunksList()) {
            progress.log(ProtoViews.log(chunk));
          }
          if (!response.getCursor().isEmpty()) {
            cursor = response.getCursor();
          }
          failures = 0;
        }
        progress.logsEnded(null);
        return;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.CANCELLED) {
          return;
        }
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || ++failures > STREAM_RETRIES) {
          progress.logsEnded(
              "log stream stopped: "
                  + ApiErrors.describe(e, client.address().toString())
                      .getFirst()
                      .replaceFirst("^pipewright: ", ""));
          return;
        }
        try {
          Thread.sleep(200L * failures);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }
}
