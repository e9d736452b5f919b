package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.CancelBuildRequest;
import dev.pipewright.cli.client.ApiClient;
import dev.pipewright.cli.client.ProtoViews;
import dev.pipewright.cli.view.BuildJson;
import dev.pipewright.cli.view.BuildState;
import dev.pipewright.cli.view.Style;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pipewright cancel BUILD}. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Cancel a build: a queued one at once, a running one by its worker.",
      "Exit codes: 0 requested, 1 no such build, already finished, or the API failed, 2 usage"
          + " error."
    })
final class CancelCommand extends ClientCommand {
  @Parameters(paramLabel = "BUILD", description = BUILD_HELP)
  String buildId;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description =
          "Recorded with the cancellation; 'status' shows it (default: ${DEFAULT-VALUE}).")
  String reason = "cancelled with pipewright cancel";

  @Mixin OutputOptions output;

  @Override
  int run(ApiClient api) {
    BuildState build =
        ProtoViews.build(
            api.call()
                .cancelBuild(
                    CancelBuildRequest.newBuilder().setBuildId(buildId).setReason(reason).build())
                .getBuild());
    if (output.json()) {
      printJson(BuildJson.build(build, false));
    } else {
      out()
          .println(
              "build "
                  + build.id()
                  + ": cancel requested (now "
                  + Style.word(build.status())
                  + ")");
    }
    return ExitCodes.OK;
  }
}
