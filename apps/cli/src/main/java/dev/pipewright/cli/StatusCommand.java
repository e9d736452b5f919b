package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.cli.client.ApiClient;
import dev.pipewright.cli.client.ProtoViews;
import dev.pipewright.cli.view.BuildJson;
import dev.pipewright.cli.view.BuildState;
import dev.pipewright.cli.view.ProgressRenderer;
import dev.pipewright.cli.view.Style;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code pipewright status BUILD}: a build with its jobs and steps. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a build: its state, jobs and steps.",
      "Exit codes: 0 shown, 1 no such build or the API failed, 2 usage error."
    })
final class StatusCommand extends ClientCommand {
  @Parameters(paramLabel = "BUILD", description = BUILD_HELP)
  String buildId;

  @Mixin ListingOutput output;

  @Override
  int run(ApiClient api) {
    BuildState build =
        ProtoViews.build(
            api.call().getBuild(GetBuildRequest.newBuilder().setBuildId(buildId).build()));
    switch (output.format) {
      case json -> printJson(BuildJson.build(build, true));
      case yaml -> out().print(Documents.yaml(BuildJson.build(build, true)));
      case name -> out().println(build.id());
      case text, wide ->
          new ProgressRenderer(Style.of(output.live()), false)
              .details(build, Instant.now(), output.format == ListingOutput.Format.wide)
              .forEach(out()::println);
    }
    return ExitCodes.OK;
  }
}
