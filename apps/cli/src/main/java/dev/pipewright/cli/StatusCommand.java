package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.cli.client.ApiClient;
import dev.pipewright.cli.client.ProtoViews;
import dev.pipewright.cli.view.ArtifactState;
import dev.pipewright.cli.view.ArtifactTable;
import dev.pipewright.cli.view.BuildJson;
import dev.pipewright.cli.view.BuildState;
import dev.pipewright.cli.view.ProgressRenderer;
import dev.pipewright.cli.view.Style;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code pipewright status BUILD}: a build with its jobs and steps. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a build: its state, jobs and steps, and its artifacts.",
      "Exit codes: 0 shown, 1 no such build or the API failed, 2 usage error."
    })
final class StatusCommand extends ClientCommand {
  @Parameters(paramLabel = "BUILD", description = "The build id.")
  String buildId;

  @Mixin OutputOptions output;

  @Override
  int run(ApiClient api) {
    Build proto = api.call().getBuild(GetBuildRequest.newBuilder().setBuildId(buildId).build());
    BuildState build = ProtoViews.build(proto);
    List<ArtifactState> artifacts = ProtoViews.artifacts(proto.getArtifactsList());
    if (output.json()) {
      Map<String, Object> json = new LinkedHashMap<>(BuildJson.build(build, true));
      json.put("artifacts", ArtifactTable.json(artifacts));
      printJson(json);
    } else {
      new ProgressRenderer(Style.of(output.live()), false)
          .details(build, Instant.now())
          .forEach(out()::println);
      if (!artifacts.isEmpty()) {
        out().println("  artifacts:");
        ArtifactTable.rows(artifacts).forEach(row -> out().println("    " + row));
      }
    }
    return ExitCodes.OK;
  }
}
