package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code pipewright watch BUILD}: the live view of a build already submitted. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Follow a build live, as submit --follow does, until it ends; Ctrl-C stops watching and"
          + " leaves the build running.",
      "Exit codes: 0 the build succeeded, 1 it did not, no such build or the API failed, 2 usage"
          + " error."
    })
final class WatchCommand extends ClientCommand {
  @Parameters(paramLabel = "BUILD", description = BUILD_HELP)
  String buildId;

  @Mixin OutputOptions output;

  @Override
  int run(ApiClient api) throws InterruptedException {
    // Resolved once: a short id stays this build's even if another one comes to share it.
    String id =
        api.call().getBuild(GetBuildRequest.newBuilder().setBuildId(buildId).build()).getId();
    return Submissions.follow(api, id, false, output, out(), err());
  }
}
